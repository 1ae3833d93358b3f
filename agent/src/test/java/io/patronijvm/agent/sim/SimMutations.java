package io.patronijvm.agent.sim;

import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;

import java.util.function.Function;
import java.util.function.IntToLongFunction;

/**
 * Deliberately broken rules, as test-scope decorators (no production flag knows about them),
 * to show that the simulation finds what they break (issue 5: "a deliberately broken rule makes
 * the simulation fail within the default seed count").
 */
final class SimMutations {

    /** Patroni's rule: the leader believes its lock for a full ttl after a renewal (decision 3 says ttl/2 - margin). */
    static final IntToLongFunction PATRONI_LEASE = ttl -> ttl * 1_000_000_000L;

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
