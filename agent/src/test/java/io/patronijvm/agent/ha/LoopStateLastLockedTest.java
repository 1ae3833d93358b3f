package io.patronijvm.agent.ha;

import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.Member;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** R23.11: the loop remembers the members of the last view with a leader (Patroni's old_cluster). */
class LoopStateLastLockedTest {

    @Test
    void r23_aViewWithALeaderIsRememberedAndAnUnlockedOneIsNot() {
        LoopState s = new LoopState();
        s.lastView(view("node2", "node1", "node2", "node3"));
        assertThat(s.memory().lastLockedMembers()).extracting(Member::name).containsExactly("node1", "node2", "node3");

        s.lastView(view(null, "node1")); // every session expired: only our own key is back
        assertThat(s.memory().lastLockedMembers()).extracting(Member::name).containsExactly("node1", "node2", "node3");
        assertThat(s.lastView().members()).hasSize(1);

        s.lastView(view("node3", "node1", "node3"));
        assertThat(s.memory().lastLockedMembers()).extracting(Member::name).containsExactly("node1", "node3");
    }

    private static ClusterView view(String leader, String... names) {
        List<Member> members = java.util.Arrays.stream(names).map(n -> new Member(n, "s-" + n, 1,
                "postgres://" + n + ":5432/postgres", "http://" + n + ":8008/patroni", "running", null, "3.3.1",
                null, null, null, null, false, false, null, null)).toList();
        return new ClusterView("7000000000000000001", null, leader == null ? null : new Leader(leader, "s-" + leader, 9),
                members, null, null, List.of(), 0, ClusterStatus.EMPTY, null, 10);
    }
}
