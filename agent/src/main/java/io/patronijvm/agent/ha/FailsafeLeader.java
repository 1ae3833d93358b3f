package io.patronijvm.agent.ha;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;

import java.util.ArrayList;
import java.util.List;

/**
 * R42: the primary that last announced failsafe to this replica ({@code POST /failsafe}), valid
 * until {@code untilNanos} (monotonic, receipt + ttl). While valid, a view without a leader key gets
 * this node as its leader (Patroni's {@code Failsafe.update_cluster}), so the replica follows it and
 * does not race: every member promised the primary that for ttl.
 */
record FailsafeLeader(String name, String connUrl, String apiUrl, long untilNanos, java.util.Map<String, Long> slots) {

    FailsafeLeader {
        slots = slots == null ? java.util.Map.of() : java.util.Map.copyOf(slots);
    }

    boolean fresh(long nowNanos) {
        return nowNanos - untilNanos < 0;
    }

    /** {@code view} with this node as the leader (and as a member when its key expired). */
    ClusterView applyTo(ClusterView view) {
        List<Member> members = new ArrayList<>(view.members());
        if (view.member(name).isEmpty()) {
            members.add(new Member(name, null, 0, connUrl, apiUrl, "running", Role.PRIMARY, null, null, null, null,
                    null, false, false, null, null));
        }
        return new ClusterView(view.initialize(), view.config(), new Leader(name, null, 0), members, view.failover(),
                view.sync(), view.history(), view.historyVersion(), view.status(), view.failsafe(), view.index());
    }
}
