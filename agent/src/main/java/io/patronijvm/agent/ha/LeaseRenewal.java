package io.patronijvm.agent.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.ha.LeaseMath;
import io.patronijvm.core.ha.LockState;
import io.patronijvm.core.model.ClusterView;

import java.time.Duration;

/**
 * The leader's renewals (decision 3, R19; docs/lease.md). Every successful write that proves we
 * hold the leader key (the cycle's renewal, the race's acquire, the bootstrap's first acquire, a
 * confirmed failsafe check) goes through {@link #renewedFrom}, so the provable lease is computed in
 * one place: from the moment BEFORE the request left, for the lease the ttl in force allows.
 */
final class LeaseRenewal {

    private final HaContext ctx;
    private final LoopState state;
    private final LeaseGuard lease;
    private long cycleStart = Long.MIN_VALUE;
    /** From the start of the last cycle whose renewal succeeded to the end of that renewal. */
    private long lastLead;

    LeaseRenewal(HaContext ctx, LoopState state, LeaseGuard lease) {
        this.ctx = ctx;
        this.state = state;
        this.lease = lease;
    }

    /** A write that proves we hold the key succeeded; it was sent at {@code startNanos}. */
    void renewedFrom(long startNanos) {
        lease.renewed(startNanos, Duration.ofNanos(ctx.leaseRule().applyAsLong(state.config().ttl())));
    }

    /** {@link #renewedFrom}, unless the lease lapsed or was cleared meanwhile (then false). */
    boolean renewedFromIfHeld(long startNanos) {
        return lease.renewedIfHeld(startNanos, Duration.ofNanos(ctx.leaseRule().applyAsLong(state.config().ttl())));
    }

    /**
     * The cycle's renewal (the contract of {@link LockState}): renew when the freshly read view
     * names us, and say what we know about the lease otherwise.
     */
    LockState renew(ClusterView view) {
        if (state.takeLeaseLapsed()) {
            return LockState.LEASE_EXPIRED;
        }
        if (view == null) {
            return lease.holds(ctx.clock().nanoTime()) ? LockState.RENEW_FAILED_UNAVAILABLE : LockState.NOT_HOLDER;
        }
        if (!view.isLeader(ctx.name())) {
            lease.clear(); // T3: the freshly read key is not ours
            return LockState.NOT_HOLDER;
        }
        long start = ctx.clock().nanoTime();
        DcsOutcome o = ctx.dcs().updateLeader(view.leader());
        return switch (o.kind()) {
            case OK -> {
                renewedFrom(start);
                if (cycleStart != Long.MIN_VALUE) {
                    lastLead = ctx.clock().nanoTime() - cycleStart;
                }
                yield LockState.RENEWED;
            }
            case SESSION_LOST, CONFLICT -> {
                lease.clear();
                yield LockState.RENEW_FAILED_SESSION_LOST;
            }
            case UNAVAILABLE -> LockState.RENEW_FAILED_UNAVAILABLE;
        };
    }

    /** The HA loop started a cycle at {@code nanos} (the schedule counts from there). */
    void cycleStarted(long nanos) {
        cycleStart = nanos;
    }

    /**
     * Time from the start of the last cycle to the next: loop_wait, as Patroni's; for a leader
     * sooner when the next renewal would otherwise start with less than the reserve of its lease
     * left (a failed or slow renewal; {@link LeaseMath#nextCycleDue}, docs/lease.md "The cost").
     */
    long intervalNanos() {
        DynamicConfig c = state.config();
        long until = lease.validUntilNanos();
        if (until == Long.MIN_VALUE) {
            return c.loopWaitDuration().toNanos();
        }
        long from = cycleStart == Long.MIN_VALUE ? ctx.clock().nanoTime() : cycleStart;
        // The DCS's own lease rule (Consul ttl/2, etcd ttl; DcsChoice) sets the lease the schedule protects.
        long provable = ctx.leaseRule().applyAsLong(c.ttl());
        return LeaseMath.nextCycleDue(from, until, provable, lastLead, c.loopWait()) - from;
    }
}
