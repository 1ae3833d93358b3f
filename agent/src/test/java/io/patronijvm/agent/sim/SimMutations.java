package io.patronijvm.agent.sim;

import io.patronijvm.core.ha.LeaseMath;

import io.patronijvm.agent.ha.TimerService;
import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import java.util.function.UnaryOperator;

/**
 * Deliberately broken rules, as test-scope decorators (no production flag knows about them),
 * to show that the simulation finds what they break (issue 5: "a deliberately broken rule makes
 * the simulation fail within the default seed count").
 */
final class SimMutations {

    /** A timer service that accepts tasks and never runs them. */
    private static final TimerService NEVER_FIRES = new TimerService() {
        @Override
        public Handle schedule(Duration delay, Runnable task) {
            return () -> { };
        }

        @Override
        public void close() {
            // nothing scheduled, nothing to cancel
        }
    };

    /** What a world runs: the decider, the lease rule (null: ours) and a wrapper around each agent's timers. */
    record Variant(String name, Function<HaInput, Decision> decider, IntToLongFunction leaseRule,
                   UnaryOperator<TimerService> timers) {
    }

    /** Patroni's rule: the leader believes its lock for a full ttl after a renewal (decision 3 says ttl/2 - margin). */
    static final IntToLongFunction PATRONI_LEASE = ttl -> ttl * 1_000_000_000L;

    /** The real thing. */
    static final Variant NONE = new Variant("none", HaDecider::decide, null, t -> t);
    /** Mutation: Patroni's lease rule (lease = ttl). Expected: invariant 1 (split brain). */
    static final Variant LEASE_TTL = new Variant("lease-ttl", HaDecider::decide, PATRONI_LEASE, t -> t);
    /** Mutation: R23.11's lag check skipped. Expected: invariant 4 (the leader publishes status.optime, R19). */
    static final Variant NO_LAG_CHECK = new Variant("no-lag-check", withoutLagCheck(HaDecider::decide), null, t -> t);
    /** Mutation: the lease timer never fires (no self-fencing, decision 3). Expected: invariant 1b. */
    static final Variant NO_SELF_FENCE = new Variant("no-self-fence", HaDecider::decide, null, t -> NEVER_FIRES);

    /**
     * Mutation (docs/etcd-lease.md): on etcd, believe the key lives as long as Consul would keep
     * it (2 x the lease TTL, minus the margin) instead of exactly one TTL. Meant for etcd seeds
     * ({@code -Dsim.dcs=etcd}); expected: invariant 1 (split brain).
     */
    static final Variant ETCD_CONSUL_GRACE = new Variant("etcd-consul-grace", HaDecider::decide,
            ttl -> 2 * LeaseMath.etcdLeaseTtlNanos(ttl) - LeaseMath.etcdMarginNanos(ttl), t -> t);

    /** Mutation: R23.11 asks only the current view's members (the old_cluster is forgotten). */
    static final Variant CURRENT_MEMBERS_ONLY = new Variant("current-members-only",
            in -> HaDecider.decide(in.after(in.lastAttempt(), null, in.memory().withLastLockedMembers(List.of()))),
            null, t -> t);

    static Variant byName(String name) {
        for (Variant v : new Variant[] {NONE, LEASE_TTL, NO_LAG_CHECK, NO_SELF_FENCE, CURRENT_MEMBERS_ONLY,
                ETCD_CONSUL_GRACE}) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("--mutation: unknown '" + name
                + "' (none, lease-ttl, no-lag-check, no-self-fence, current-members-only, etcd-consul-grace)");
    }


    private SimMutations() {
    }

    /**
     * R23.11 without its first check: the decider never sees the last known leader position
     * ({@code status} optime), so a replica lagging more than {@code maximum_lag_on_failover}
     * believes it is healthy enough to race. Everything else (peer comparison included) is intact.
     */
    static Function<HaInput, Decision> withoutLagCheck(Function<HaInput, Decision> decider) {
        return in -> decider.apply(blindToStatus(in));
    }

    private static HaInput blindToStatus(HaInput in) {
        ClusterView v = in.view();
        if (v == null || v.isLeader(in.self()) || v.status().optime() == 0) {
            return in; // only a replica judging its own lag is fooled
        }
        ClusterView blind = new ClusterView(v.initialize(), v.config(), v.leader(), v.members(), v.failover(), v.sync(),
                v.history(), v.historyVersion(), ClusterStatus.EMPTY, v.failsafe(), v.index());
        return new HaInput(in.self(), in.selfTags(), blind, in.pg(), in.config(), in.local(), in.nowNanos(),
                in.wallNow(), in.lock(), in.peers(), in.lastAttempt(), in.memory(), in.asyncTask(), in.restartIntent(),
                in.reinitIntent(), in.shuttingDown());
    }
}
