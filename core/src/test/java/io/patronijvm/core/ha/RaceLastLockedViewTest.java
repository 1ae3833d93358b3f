package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R23.11: the leader race asks the members of the last view that had a leader, the failsafe
 * members and the current members (Patroni's {@code old_cluster.members + failsafe + cluster.members}),
 * not only the current view. After an outage that expired every session the member keys of
 * nodes that are alive (and maybe far ahead) are gone; a node asking only the current view
 * would promote far behind.
 */
class RaceLastLockedViewTest {

    /** Members of the healthy cluster before the outage: node1 (us), node2 (leader), node3. */
    private static final List<Member> BEFORE = Scenario.replica().view().members();

    /** The DCS came back after an outage: no leader, and only our own member key so far. */
    private static Scenario afterOutage() {
        Scenario s = Scenario.leaderless();
        s.members.remove("node3");
        s.memory = s.memory.withLastLockedMembers(BEFORE);
        return s;
    }

    @Test
    void r23_racesAgainstMembersOfLastLockedViewToo() {
        Decision d = afterOutage().decide();
        assertThat(d.find(Action.ProbePeers.class).orElseThrow().members()).extracting(Member::name)
                .as("the old leader and node3 are asked although their keys expired")
                .containsExactly("node2", "node3");
    }

    @Test
    void r23_aRememberedMemberAheadOfUsBlocksTheRace() {
        Decision d = afterOutage().unreachable("node2").peer("node3", false, 5_000_000).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.find(Action.AcquireLock.class)).isEmpty();
        assertThat(d.message()).contains("WAL position of node3 is ahead of mine");
    }

    @Test
    void r23_aRememberedPrimaryThatStillRunsBlocksTheRace() {
        Decision d = afterOutage().peer("node2", true, 1000).unreachable("node3").decide();
        assertThat(d.message()).contains("Primary (node2) is still alive");
    }

    @Test
    void r23_rememberedMembersThatNoLongerAnswerAreIgnored() {
        Decision d = afterOutage().unreachable("node2").unreachable("node3").decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r23_withoutMemoryOnlyTheCurrentViewIsAsked() {
        Scenario s = afterOutage();
        s.memory = s.memory.withLastLockedMembers(List.of());
        Decision d = s.decide();
        assertThat(Acts.of(d)).as("nobody to ask: races at once (a freshly started agent, as in Patroni)")
                .containsExactly("AcquireLock");
    }

    @Test
    void r23_aMemberInBothViewsIsAskedOnceWithItsCurrentData() {
        Scenario s = afterOutage();
        s.member("node3").tags.put("nofailover", true); // current key says nofailover, the remembered one not
        Decision d = s.decide();
        assertThat(d.find(Action.ProbePeers.class).orElseThrow().members()).extracting(Member::name)
                .containsExactly("node2");
    }

    @Test
    void r23_rememberedNofailoverMembersAreNotAsked() {
        List<Member> before = Scenario.replica().memberTag("node3", "nofailover", true).view().members();
        Scenario s = afterOutage();
        s.memory = s.memory.withLastLockedMembers(before);
        Decision d = s.decide();
        assertThat(d.find(Action.ProbePeers.class).orElseThrow().members()).extracting(Member::name)
                .containsExactly("node2");
    }

    @Test
    void r23_failsafeMembersAreAskedInFailsafeMode() {
        Scenario s = afterOutage();
        s.memory = s.memory.withLastLockedMembers(List.of());
        s.failsafeMode = true;
        s.failsafe = Map.of("node1", "http://127.0.0.1:8008/patroni", "node4", "http://127.0.0.4:8008/patroni");
        Decision d = s.decide();
        assertThat(d.find(Action.ProbePeers.class).orElseThrow().members())
                .extracting(Member::name, Member::apiUrl)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("node4", "http://127.0.0.4:8008/patroni"));
    }

    @Test
    void r23_syncModeAsksOnlyRememberedSynchronousMembers() {
        Scenario s = afterOutage().sync("node2", "node1");
        Decision d = s.decide();
        assertThat(d.find(Action.ProbePeers.class).orElseThrow().members()).extracting(Member::name)
                .containsExactly("node2");
    }
}
