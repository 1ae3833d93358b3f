package io.patronijvm.core.ha;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Failsafe mode, spec 3.10 R40 to R43: what the decider asks for and keeps when the DCS fails. */
class FailsafeRulesTest {

    private static final Map<String, String> ALL = Map.of(
            "node1", "http://127.0.0.1:8008/patroni",
            "node2", "http://127.0.0.2:8008/patroni",
            "node3", "http://127.0.0.3:8008/patroni");

    private static Scenario failsafeLeader() {
        return Scenario.leader().with(s -> {
            s.failsafeMode = true;
            s.failsafe = ALL;
        });
    }

    @Test
    void r40_keepsPrimaryWhenFailsafeConfirmedByAllMembers() {
        Decision ask = failsafeLeader().with(s -> s.dcsDown = true).decide();
        assertThat(ask.actions()).containsExactly(new Action.CheckFailsafe());
        assertThat(ask.redecides()).isTrue();

        Decision kept = failsafeLeader().with(s -> {
            s.dcsDown = true;
            s.last = AttemptResult.FAILSAFE_OK;
        }).decide();
        assertThat(kept.reason()).isEqualTo(Reason.FAILSAFE_ACTIVE);
        assertThat(kept.message()).isEqualTo(
                "continue to run as a leader because failsafe mode is enabled and all members are accessible");
        assertThat(kept.find(Action.Demote.class)).isEmpty();
    }

    @Test
    void r40_demotesWhenAMemberDoesNotConfirm() {
        Decision d = failsafeLeader().with(s -> {
            s.dcsDown = true;
            s.last = AttemptResult.FAILSAFE_FAILED;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.DCS_UNAVAILABLE_DEMOTE);
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.OFFLINE);
        assertThat(d.find(Action.CheckFailsafe.class)).isEmpty();
    }

    @Test
    void r40_lockUpdateUnavailableAlsoChecksFailsafeAndKeepsTheLeaderWhenConfirmed() {
        Decision ask = failsafeLeader().with(s -> s.lock = LockState.RENEW_FAILED_UNAVAILABLE).decide();
        assertThat(ask.actions()).containsExactly(new Action.CheckFailsafe());

        Decision kept = failsafeLeader().with(s -> {
            s.lock = LockState.RENEW_FAILED_UNAVAILABLE;
            s.last = AttemptResult.FAILSAFE_OK;
        }).decide();
        assertThat(kept.reason()).isEqualTo(Reason.FAILSAFE_ACTIVE);
        assertThat(kept.actions()).isEmpty();

        Decision failed = failsafeLeader().with(s -> {
            s.lock = LockState.RENEW_FAILED_UNAVAILABLE;
            s.last = AttemptResult.FAILSAFE_FAILED;
        }).decide();
        assertThat(failed.reason()).isEqualTo(Reason.DEMOTED_LOCK_LOST);
    }

    @Test
    void r40_sessionLostIsNotADcsErrorAndStillDemotes() {
        Decision d = failsafeLeader().with(s -> s.lock = LockState.RENEW_FAILED_SESSION_LOST).decide();
        assertThat(d.reason()).isEqualTo(Reason.DEMOTED_LOCK_LOST);
        assertThat(d.find(Action.CheckFailsafe.class)).isEmpty();
    }

    @Test
    void r40_failsafeOffDemotesExactlyAsBefore() {
        Decision d = Scenario.leader().with(s -> {
            s.dcsDown = true;
            s.failsafe = ALL;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.DCS_UNAVAILABLE_DEMOTE);
        assertThat(d.message()).isEqualTo("demoted self because DCS is not accessible and I was a leader");
    }

    @Test
    void r40_aReplicaNeverChecksFailsafe() {
        Decision d = Scenario.replica().with(s -> {
            s.dcsDown = true;
            s.failsafeMode = true;
            s.failsafe = ALL;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.DCS_UNAVAILABLE);
        assertThat(d.find(Action.CheckFailsafe.class)).isEmpty();
    }

    @Test
    void r42_replicaDoesNotRaceWhileFailsafeLeaderCached() {
        // The loop puts the cached failsafe primary into a view whose leader key expired: no
        // session, and no member key of its own (it expired with the session).
        Scenario s = Scenario.replica().with(x -> {
            x.failsafeMode = true;
            x.failsafe = ALL;
            x.members.remove("node2");
        });
        Decision d = s.decide();
        assertThat(d.find(Action.AcquireLock.class)).isEmpty();
        assertThat(d.find(Action.ProbePeers.class)).isEmpty();
        assertThat(d.find(Action.Promote.class)).isEmpty();
    }

    @Test
    void r43_leaderWritesFailsafeMembers() {
        Decision d = failsafeLeader().with(s -> s.failsafe = Map.of("node1", "http://127.0.0.1:8008/patroni")).decide();
        assertThat(d.find(Action.WriteFailsafe.class).orElseThrow().members()).isEqualTo(ALL);

        Decision unchanged = failsafeLeader().decide();
        assertThat(unchanged.find(Action.WriteFailsafe.class)).as("membership unchanged").isEmpty();

        Decision off = Scenario.leader().decide();
        assertThat(off.find(Action.WriteFailsafe.class)).as("failsafe_mode off").isEmpty();

        Decision replica = Scenario.replica().with(s -> s.failsafeMode = true).decide();
        assertThat(replica.find(Action.WriteFailsafe.class)).as("only the holder writes").isEmpty();
    }
}
