package io.patronijvm.core.ha;

import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.pg.PgRunState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader race, R22 to R24. Leaderless scenario: node1 (us) and node3 remain, both at WAL 1000. */
class RaceRulesTest {

    @Test
    void r23_probesEveryCandidateInOneRequest() {
        Decision d = Scenario.leaderless().decide();
        assertThat(d.find(Action.ProbePeers.class).orElseThrow().members()).extracting(m -> m.name())
                .containsExactly("node3");
        assertThat(d.redecides()).isTrue();
    }

    @Test
    void r22_racesWhenHealthiest() {
        Decision d = Scenario.leaderless().peer("node3", false, 1000).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r22_clearsFailoverKeyAfterAcquiring() {
        Decision d = Scenario.leaderless().failover(null, "node1").with(s -> s.last = AttemptResult.ACQUIRED).decide();
        assertThat(Acts.of(d)).containsExactly("ClearFailover", "Promote");
        assertThat(d.find(Action.ClearFailover.class).orElseThrow().version()).isEqualTo(7);
        assertThat(d.message()).isEqualTo("promoted self to leader by acquiring session lock");
    }

    @Test
    void r22_failingToAcquireDemotesAWritablePrimary() {
        Decision d = Scenario.leaderless().primary().with(s -> s.last = AttemptResult.LOCK_TAKEN_BY_OTHER).decide();
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.IMMEDIATE_NOLOCK);
    }

    @Test
    void r22_acquireWithoutAnswerDemotesPrimaryOffline() {
        Decision d = Scenario.leaderless().primary().with(s -> s.last = AttemptResult.ACQUIRE_FAILED).decide();
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.OFFLINE);
    }

    @Test
    void r23_replicaLaggingMoreThanMaximumLagDoesNotRace() {
        Decision d = Scenario.leaderless().peer("node3", false, 0).with(s -> {
            s.optime = 5_000_000;
            s.wal = 1000;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.find(Action.AcquireLock.class)).isEmpty();
        assertThat(d.message()).contains("maximum_lag_on_failover");
    }

    @Test
    void r23_replicaWithinMaximumLagRaces() {
        Decision d = Scenario.leaderless().peer("node3", false, 0).with(s -> s.optime = 1000 + 1_048_576).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r23_higherWalPositionWins() {
        Decision d = Scenario.leaderless().peer("node3", false, 1001).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("node3");
    }

    @Test
    void r23_reachablePrimaryBlocksTheRace() {
        Decision d = Scenario.leaderless().peer("node3", true, 0).decide();
        assertThat(d.message()).contains("Primary (node3) is still alive");
    }

    @Test
    void r23_unreachablePeersAreIgnored() {
        Decision d = Scenario.leaderless().unreachable("node3").decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r23_equalWalHigherFailoverPriorityWins() {
        Decision d = Scenario.leaderless().peer("node3", false, 1000, 5).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("failover_priority");
    }

    @Test
    void r23_equalWalLowerFailoverPriorityLoses() {
        Decision d = Scenario.leaderless().peer("node3", false, 1000, 0).tag("failover_priority", 2).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r23_nofailoverPeersAreNotProbed() {
        Decision d = Scenario.leaderless().memberTag("node3", "nofailover", true).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r23_nofailoverNodeNeverRaces() {
        Decision d = Scenario.leaderless().peersAt(0).tag("nofailover", true).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("nofailover");
    }

    @Test
    void r23_checkTimelineBlocksANodeBehindTheClusterTimeline() {
        Decision d = Scenario.leaderless().peersAt(0).with(s -> {
            s.checkTimeline = true;
            s.history = List.of(new HistoryEntry(1, 100, "no recovery target specified", null, "node2"));
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("timeline");
    }

    @Test
    void r23_primaryBehindTheClusterTimelineMayNotTakeTheLock() {
        Decision d = Scenario.leaderless().primary().with(s ->
                s.history = List.of(new HistoryEntry(1, 100, "r", null, "node3"))).decide();
        assertThat(d.find(Action.AcquireLock.class)).isEmpty();
        assertThat(d.find(Action.Demote.class)).isPresent();
    }

    @Test
    void r23_primaryOnTheClusterTimelineTakesTheLockWithoutProbing() {
        Decision d = Scenario.leaderless().primary().with(s -> s.timeline = 2).with(s ->
                s.history = List.of(new HistoryEntry(1, 100, "r", null, "node1"))).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r23_startingPostgresDoesNotRace() {
        Decision d = Scenario.leaderless().peersAt(0).with(s -> s.state = PgRunState.STARTING).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
    }

    @Test
    void r23_prePromoteFailureKeepsTheNodeOutOfTheRaceForTtl() {
        Decision d = Scenario.leaderless().peersAt(0).with(s ->
                s.memory = s.memory.withPrePromoteFailedAt(Scenario.NOW - 29_000_000_000L)).decide();
        assertThat(d.reason()).isEqualTo(Reason.PRE_PROMOTE_FAILED);
        Decision later = Scenario.leaderless().peersAt(0).with(s ->
                s.memory = s.memory.withPrePromoteFailedAt(Scenario.NOW - 31_000_000_000L)).decide();
        assertThat(Acts.of(later)).containsExactly("AcquireLock");
    }

    @Test
    void r23_syncModeNodeNotInSyncDoesNotRace() {
        Decision d = Scenario.leaderless().peersAt(0).sync("node2", "node3").decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("synchronous");
    }

    @Test
    void r23_syncModeIgnoresTheFormerSyncLeaderBeingAhead() {
        Decision d = Scenario.replica().sync("node2", "node1", "node3").with(s -> s.leader = null)
                .peer("node2", false, 5000).peer("node3", false, 1000).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
        Decision async = Scenario.replica().with(s -> s.leader = null)
                .peer("node2", false, 5000).peer("node3", false, 1000).decide();
        assertThat(async.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
    }

    @Test
    void r23_failsafeMapWithoutUsBlocksTheRace() {
        Decision d = Scenario.leaderless().peersAt(0).with(s -> {
            s.failsafeMode = true;
            s.failsafe = java.util.Map.of("node3", "http://127.0.0.3:8008/patroni");
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
    }

    @Test
    void r24_notHealthiestReplicaFollowsNobody() {
        Decision d = Scenario.leaderless().peer("node3", false, 2000).decide();
        assertThat(d.find(Action.Follow.class).orElseThrow().upstream().isNobody()).isTrue();
        assertThat(d.message()).startsWith("following a different leader because i am not the healthiest node");
    }

    @Test
    void r24_notHealthiestPrimaryDemotes() {
        Decision d = Scenario.leaderless().primary().tag("nofailover", true).with(s ->
                s.history = List.of(new HistoryEntry(1, 1, "r", null, "node3"))).decide();
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.IMMEDIATE_NOLOCK);
    }
}
