package io.patronijvm.core.ha;

import java.util.ArrayList;
import java.util.List;

/**
 * The leader lease arithmetic of spec decision 3, in one place for the loop, the lease timer and
 * the REST API. Pure; all times are monotonic nanoseconds.
 *
 * <p>Consul session TTL = ttl/2. Consul promises not to expire a session before its TTL after the
 * last renewal reached the server (in practice it waits about 2 x TTL). The renewal reaches the
 * server after we started the request, so "start of the renewal + session TTL" is a point in time
 * before which the key is provably still ours. From that we subtract a safety margin that covers
 * what happens after the lease timer fires: the timer thread being scheduled late, a GC pause,
 * and the immediate stop of PostgreSQL itself (SIGQUIT, typically well under a second). The margin
 * is {@code max(1 s, 10% of the session TTL)}: 1.5 s for the default ttl=30. Clock rate drift
 * between us and the Consul server is parts per million and is covered by the margin too.
 */
public final class LeaseMath {

    /** Smallest safety margin. */
    public static final long MIN_MARGIN_NANOS = 1_000_000_000L;
    /** Margin as a fraction of the session TTL, in percent. */
    public static final int MARGIN_PERCENT = 10;

    private LeaseMath() {
    }

    /**
     * The Consul session TTL for {@code ttl}, in milliseconds: ttl / 2 with the half second kept
     * (Patroni 3.0.2 sends {@code "12.5s"} for ttl 25), at least 1 s. The one rule for what the DCS
     * client asks Consul for and what the lease arithmetic assumes Consul granted (docs/lease.md).
     */
    public static long sessionTtlMillis(int ttlSeconds) {
        return Math.max(1_000L, ttlSeconds * 500L);
    }

    /** {@link #sessionTtlMillis} in nanoseconds. */
    public static long sessionTtlNanos(int ttlSeconds) {
        return sessionTtlMillis(ttlSeconds) * 1_000_000L;
    }

    /** The safety margin subtracted from the session TTL. */
    public static long marginNanos(int ttlSeconds) {
        return Math.max(MIN_MARGIN_NANOS, sessionTtlNanos(ttlSeconds) * MARGIN_PERCENT / 100);
    }

    /** How long after the start of a successful renewal the lock is provably ours. */
    public static long provableLeaseNanos(int ttlSeconds) {
        return Math.max(0, sessionTtlNanos(ttlSeconds) - marginNanos(ttlSeconds));
    }

    /** End of the provable lease for a renewal that started at {@code renewStartNanos} and succeeded. */
    public static long leaseValidUntil(long renewStartNanos, int ttlSeconds) {
        return renewStartNanos + provableLeaseNanos(ttlSeconds);
    }

    /** Whether the lease that ends at {@code validUntilNanos} still holds at {@code nowNanos} (overflow-safe). */
    public static boolean holds(long validUntilNanos, long nowNanos) {
        return validUntilNanos != Long.MIN_VALUE && nowNanos - validUntilNanos < 0;
    }

    /** The most a renewal is given before the lease's end when it has been fast: 1 s (less for tiny leases). */
    public static final long MAX_BASE_RESERVE_NANOS = 1_000_000_000L;
    /** Least time between the starts of two cycles, so a renewal failing at once cannot spin the loop. */
    public static final long MIN_CYCLE_GAP_NANOS = 250_000_000L;

    /**
     * The leader's cadence while its renewals are quick: every loop_wait, as Patroni's, unless
     * that would leave less than the reserve of the provable lease for the next renewal (a
     * loop_wait close to ttl/2). docs/lease.md, "The cost", says what renewing this rarely costs.
     */
    public static long renewIntervalNanos(int ttlSeconds, int loopWaitSeconds) {
        return renewIntervalForLease(provableLeaseNanos(ttlSeconds), loopWaitSeconds);
    }

    /** {@link #renewIntervalNanos} for any store's provable lease (nanoseconds). */
    public static long renewIntervalForLease(long provableLeaseNanos, int loopWaitSeconds) {
        long loop = loopWaitSeconds * 1_000_000_000L;
        return Math.max(1, Math.min(loop, provableLeaseNanos - reserveNanos(provableLeaseNanos, 0)));
    }

    /**
     * How much of the provable lease the next renewal is given: at least 1 s (a quarter of tiny
     * leases), and twice what the last cycle needed from its start to the end of its renewal, so a
     * DCS that became slow gets the next renewal started early enough; at most half the lease.
     */
    public static long reserveNanos(long provableLeaseNanos, long lastLeadNanos) {
        long base = Math.min(MAX_BASE_RESERVE_NANOS, provableLeaseNanos / 4);
        return Math.min(provableLeaseNanos / 2, Math.max(base, 2 * Math.max(0, lastLeadNanos)));
    }

    /**
     * When the leader's next cycle is due after one that started at {@code cycleStartNanos}: loop_wait
     * later, or earlier so that the next renewal starts {@link #reserveNanos reserve} before the
     * lease that holds until {@code validUntilNanos} ends (after a failed renewal, or a slow cycle),
     * but never sooner than {@link #MIN_CYCLE_GAP_NANOS} after this one started. Lease safety does not
     * depend on this schedule (the lease guard fences at {@code validUntilNanos} whatever happens);
     * only how often a slow DCS costs the primary its lease does.
     */
    public static long nextCycleDue(long cycleStartNanos, long validUntilNanos, long provableLeaseNanos,
                                    long lastLeadNanos, int loopWaitSeconds) {
        long loop = loopWaitSeconds * 1_000_000_000L;
        long due = cycleStartNanos + loop;
        long renewBy = validUntilNanos - reserveNanos(provableLeaseNanos, lastLeadNanos);
        if (renewBy - due < 0) {
            due = renewBy;
        }
        long earliest = cycleStartNanos + Math.min(loop, MIN_CYCLE_GAP_NANOS);
        return due - earliest < 0 ? earliest : due;
    }

    // ---- etcd v3 (docs/etcd-lease.md) ----

    /** etcd lease TTL: ttl, as Patroni grants it ({@code /lease/grant {"TTL": ttl}}). */
    public static long etcdLeaseTtlNanos(int ttlSeconds) {
        return ttlSeconds * 1_000_000_000L;
    }

    /** The same margin rule as for Consul, on etcd's TTL: {@code max(1 s, 10% of the lease TTL)}. */
    public static long etcdMarginNanos(int ttlSeconds) {
        return Math.max(MIN_MARGIN_NANOS, etcdLeaseTtlNanos(ttlSeconds) * MARGIN_PERCENT / 100);
    }

    /**
     * etcd expires a lease exactly at its TTL after the last keepalive its leader processed (no
     * grace, unlike Consul's 2 x TTL), and that keepalive was processed after we sent it; a leader
     * change only extends leases. So the key is ours until the start of the last successful
     * keepalive + ttl, and provably so until that minus the margin: 27 s for ttl=30.
     */
    public static long etcdProvableLeaseNanos(int ttlSeconds) {
        return Math.max(0, etcdLeaseTtlNanos(ttlSeconds) - etcdMarginNanos(ttlSeconds));
    }

    /** Latest time etcd drops the key of a lease not kept alive since {@code lastRenewNanos}: its TTL (plus revocation lag). */
    public static long etcdKeyExpiry(long lastRenewNanos, int ttlSeconds) {
        return lastRenewNanos + etcdLeaseTtlNanos(ttlSeconds);
    }

    /** Latest time Consul typically drops the key of a session not renewed since {@code lastRenewNanos}: 2 x session TTL. */
    public static long keyExpiryUpperBound(long lastRenewNanos, int ttlSeconds) {
        return lastRenewNanos + 2 * sessionTtlNanos(ttlSeconds);
    }

    /**
     * Warnings about timing that makes the lease rule costly (each names the keys). Empty when fine.
     * loop_wait at or above the provable lease means a leader renewing only once per cycle would
     * fence itself between cycles; retry_timeout above it means one slow DCS call costs the lease.
     */
    public static List<String> validate(int ttlSeconds, int loopWaitSeconds, int retryTimeoutSeconds) {
        List<String> w = new ArrayList<>();
        long lease = provableLeaseNanos(ttlSeconds);
        if (lease <= 0) {
            w.add("ttl=" + ttlSeconds + " leaves no provable lease (ttl/2 minus the safety margin is not positive)");
            return w;
        }
        if (loopWaitSeconds * 1_000_000_000L >= lease) {
            w.add("loop_wait=" + loopWaitSeconds + "s is not below the provable lease of " + lease / 1_000_000
                    + "ms (ttl/2 minus margin): the leader must renew between cycles, every "
                    + renewIntervalNanos(ttlSeconds, loopWaitSeconds) / 1_000_000 + "ms");
        }
        if (retryTimeoutSeconds * 1_000_000_000L >= lease) {
            w.add("retry_timeout=" + retryTimeoutSeconds + "s is not below the provable lease of "
                    + lease / 1_000_000 + "ms: a single slow DCS request makes the primary demote");
        }
        return w;
    }
}
