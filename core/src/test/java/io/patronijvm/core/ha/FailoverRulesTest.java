package io.patronijvm.core.ha;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Manual switchover and failover, R30 to R32. */
class FailoverRulesTest {

    @Test
    void r30_leaderDemotesGracefullyForHealthyCandidate() {
        Decision d = Scenario.leader().failover("node1", "node3").peer("node3", false, 1000).decide();
        Action.Demote demote = d.find(Action.Demote.class).orElseThrow();
        assertThat(demote.mode()).isEqualTo(DemoteMode.GRACEFUL);
        assertThat(demote.followAfter().memberName()).isEqualTo("node3");
        assertThat(d.message()).isEqualTo("manual failover: demoting myself");
    }

    @Test
    void r30_switchoverWithoutCandidateDemotesWhenAnyReplicaIsHealthy() {
        Decision d = Scenario.leader().failover("node1", null).peer("node2", false, 1000).unreachable("node3").decide();
        assertThat(d.find(Action.Demote.class).orElseThrow().followAfter().isNobody()).isTrue();
    }

    @Test
    void r30_clearsKeyWhenNoHealthyCandidate() {
        Decision d = Scenario.leader().failover("node1", "node3").unreachable("node3").decide();
        assertThat(d.reason()).isEqualTo(Reason.FAILOVER_KEY_CLEARED);
        assertThat(d.actions()).startsWith(new Action.ClearFailover(7));
        assertThat(d.find(Action.Demote.class)).isEmpty();
    }

    @Test
    void r30_candidateLaggingTooMuchIsNotHealthy() {
        Decision d = Scenario.leader().failover("node1", "node3").peer("node3", false, 0)
                .with(s -> s.optime = 10_000_000).decide();
        assertThat(d.reason()).isEqualTo(Reason.FAILOVER_KEY_CLEARED);
    }

    @Test
    void r30_clearsKeyNamingAnotherLeader() {
        Decision d = Scenario.leader().failover("node2", "node3").decide();
        assertThat(d.reason()).isEqualTo(Reason.FAILOVER_KEY_CLEARED);
        assertThat(d.message()).contains("leader name does not match");
    }

    @Test
    void r30_scheduledSwitchoverWaitsUntilItsTime() {
        Decision d = Scenario.leader().scheduledFailover("node1", "node3", Scenario.WALL.plusSeconds(60))
                .peer("node3", false, 1000).decide();
        assertThat(d.reason()).isEqualTo(Reason.SWITCHOVER_SCHEDULED);
        assertThat(d.find(Action.Demote.class)).isEmpty();
    }

    @Test
    void r30_scheduledSwitchoverRunsWhenDue() {
        Decision d = Scenario.leader().scheduledFailover("node1", "node3", Scenario.WALL.minusSeconds(1))
                .peer("node3", false, 1000).decide();
        assertThat(d.reason()).isEqualTo(Reason.SWITCHOVER_DEMOTE);
    }

    @Test
    void r30_staleScheduledSwitchoverIsCleared() {
        Decision d = Scenario.leader().scheduledFailover("node1", "node3", Scenario.WALL.minusSeconds(16))
                .peer("node3", false, 1000).decide();
        assertThat(d.reason()).isEqualTo(Reason.FAILOVER_KEY_CLEARED);
    }

    @Test
    void r46_scheduledSwitchoverIsNotDoneInPause() {
        Decision d = Scenario.leader().scheduledFailover("node1", "node3", Scenario.WALL.minusSeconds(1))
                .peer("node3", false, 1000).with(s -> s.pause = true).decide();
        assertThat(d.find(Action.Demote.class)).isEmpty();
        assertThat(d.find(Action.ClearFailover.class)).isEmpty();
    }

    @Test
    void r46_pausedSwitchoverNeedsANamedCandidate() {
        Decision d = Scenario.leader().failover("node1", null).peersAt(1000).with(s -> s.pause = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.FAILOVER_KEY_CLEARED);
        assertThat(d.find(Action.Demote.class)).isEmpty();
    }

    @Test
    void r46_pausedSwitchoverToNamedCandidateIsAllowed() {
        Decision d = Scenario.leader().failover("node1", "node3").peer("node3", false, 1000)
                .with(s -> s.pause = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.SWITCHOVER_DEMOTE);
    }

    @Test
    void r31_candidateWinsManualFailover() {
        Decision d = Scenario.leaderless().failover(null, "node1").with(s -> {
            s.optime = 999_999_999;  // lag is ignored for the named candidate
            s.checkTimeline = true;
        }).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r31_otherNodesLetAHealthyCandidateWin() {
        Decision d = Scenario.leaderless().failover(null, "node3").peer("node3", false, 0).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("manual failover: to node3");
    }

    @Test
    void r31_unhealthyCandidateLetsTheHealthiestRaceIgnoringLag() {
        Decision d = Scenario.leaderless().failover(null, "node3").unreachable("node3")
                .with(s -> s.optime = 999_999_999).decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r31_formerLeaderDoesNotRaceWhenAnotherCanTakeOver() {
        Decision d = Scenario.leaderless().with(s -> s.member("node3"))
                .failover("node1", null).peer("node3", false, 1000).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
    }

    @Test
    void r31_formerLeaderRacesWhenNobodyElseCan() {
        Decision d = Scenario.leaderless().failover("node1", null).unreachable("node3").decide();
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r31_switchoverInSyncModeOnlyForSyncMembers() {
        Decision d = Scenario.leaderless().failover("node2", null).sync("node2", "node3").peersAt(0).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("synchronous");
    }

    @Test
    void r31_pausedReplicaWaitsForTheCandidate() {
        Decision d = Scenario.leaderless().failover(null, "node3").with(s -> s.pause = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.PAUSED_NO_RACE);
        assertThat(d.find(Action.AcquireLock.class)).isEmpty();
    }

    @Test
    void r31_pausedPrimaryClearsKeyOfAVanishedCandidate() {
        Decision d = Scenario.leaderless().primary().failover(null, "node7").with(s -> s.pause = true).decide();
        assertThat(d.find(Action.ClearFailover.class)).isPresent();
    }

    @Test
    void r32_gracefulDemoteCheckpointsAndReleasesTheLock() {
        assertThat(DemoteMode.GRACEFUL.checkpoint()).isTrue();
        assertThat(DemoteMode.GRACEFUL.releaseLock()).isTrue();
        assertThat(DemoteMode.GRACEFUL.stopMode()).isEqualTo(io.patronijvm.core.pg.StopMode.FAST);
        assertThat(DemoteMode.IMMEDIATE_NOLOCK.releaseLock()).isFalse();
        assertThat(DemoteMode.OFFLINE.releaseLock()).isFalse();
        assertThat(DemoteMode.IMMEDIATE.stopMode()).isEqualTo(io.patronijvm.core.pg.StopMode.IMMEDIATE);
        assertThat(DemoteMode.IMMEDIATE_NOLOCK.wire()).isEqualTo("immediate-nolock");
    }
}
