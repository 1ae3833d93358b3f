package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** R11, R33, R34 (crashed PostgreSQL) and R36 to R39 (pg_rewind, reinitialize). */
class RecoveryRewindRulesTest {

    private static final LocalSettings REWIND = new LocalSettings(true, true, false, false, false, "off");
    private static final LocalSettings REINIT = new LocalSettings(true, false, false, true, false, "off");
    private static final LocalSettings REWIND_FAILURE_WIPE = new LocalSettings(true, true, true, false, false, "off");

    @Test
    void r33_restartsCrashedPrimaryWhileHoldingLock() {
        Decision d = Scenario.leader().crashedPrimary().decide();
        Action.StartPostgres start = d.find(Action.StartPostgres.class).orElseThrow();
        assertThat(start.asReplica()).isFalse();
        assertThat(d.message()).isEqualTo("starting primary after failure");
    }

    @Test
    void r33_failsOverInsteadOfRestartingWhenPrimaryStartTimeoutIsZero() {
        Decision d = Scenario.leader().crashedPrimary().peersAt(1000).with(s -> s.primaryStartTimeout = 0).decide();
        assertThat(d.reason()).isEqualTo(Reason.RECOVER_FAILOVER);
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.IMMEDIATE);
    }

    @Test
    void r33_restartsAnywayWithTimeoutZeroWhenNobodyCanTakeOver() {
        Decision d = Scenario.leader().crashedPrimary().unreachable("node2").unreachable("node3")
                .with(s -> s.primaryStartTimeout = 0).decide();
        assertThat(d.reason()).isEqualTo(Reason.RECOVER_START_PRIMARY);
    }

    @Test
    void r33_holderWithStandbySignalStartsReadOnly() {
        Decision d = Scenario.leader().crashedPrimary().with(s -> s.standbySignal = true).decide();
        assertThat(d.find(Action.StartPostgres.class).orElseThrow().asReplica()).isTrue();
    }

    @Test
    void r33_lostLockWhileCrashedDoesNotStartAsPrimary() {
        Decision d = Scenario.leader().crashedPrimary().with(s -> s.lock = LockState.RENEW_FAILED_SESSION_LOST).decide();
        assertThat(d.find(Action.StartPostgres.class)).isEmpty();
        assertThat(d.reason()).isEqualTo(Reason.NOT_PROMOTING_LOCK_LOST);
    }

    @Test
    void r34_stoppedReplicaStartsFollowingTheLeader() {
        Decision d = Scenario.replica().stopped().decide();
        Action.StartPostgres start = d.find(Action.StartPostgres.class).orElseThrow();
        assertThat(start.asReplica()).isTrue();
        assertThat(start.upstream().memberName()).isEqualTo("node2");
        assertThat(d.message()).isEqualTo("starting as a secondary");
    }

    @Test
    void r34_stoppedNodeInUnlockedClusterStartsFollowingNobody() {
        Decision d = Scenario.leaderless().stopped().decide();
        assertThat(d.find(Action.StartPostgres.class).orElseThrow().upstream().isNobody()).isTrue();
    }

    @Test
    void r11_pausedNodeDoesNotStartPostgres() {
        Decision d = Scenario.replica().stopped().with(s -> s.pause = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.PAUSED_PG_STOPPED);
        assertThat(d.actions()).isEmpty();
        assertThat(d.message()).isEqualTo("PAUSE: postgres is not running");
    }

    @Test
    void r11_pausedHolderWithStoppedPostgresReleasesTheLock() {
        Decision d = Scenario.leader().crashedPrimary().with(s -> s.pause = true).decide();
        assertThat(Acts.of(d)).containsExactly("ReleaseLock");
    }

    @Test
    void r37_checksDivergenceAfterDemote() {
        Decision d = Scenario.replica().stopped().with(s -> {
            s.local = REWIND;
            s.memory = s.memory.withRewind(RewindState.CHECK);
        }).decide();
        assertThat(d.find(Action.CheckRewind.class).orElseThrow().leader().name()).isEqualTo("node2");
        assertThat(d.redecides()).isTrue();
    }

    @Test
    void r20_triggersRewindCheckWhenLeaderTimelineIsAhead() {
        Decision d = Scenario.replica().with(s -> {
            s.local = REWIND;
            s.member("node2").timeline = 2;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.CHECKING_DIVERGENCE);
    }

    @Test
    void r37_noCheckWhenNeitherRewindNorReinitIsPossible() {
        Decision d = Scenario.replica().with(s -> s.member("node2").timeline = 2).decide();
        assertThat(d.find(Action.CheckRewind.class)).isEmpty();
    }

    @Test
    void r37_doesNotCheckTwiceInOneCycle() {
        Decision d = Scenario.replica().stopped().with(s -> {
            s.local = REWIND;
            s.memory = s.memory.withRewind(RewindState.CHECK);
            s.last = AttemptResult.REWIND_CHECKED;
        }).decide();
        assertThat(d.find(Action.CheckRewind.class)).isEmpty();
        assertThat(d.find(Action.StartPostgres.class)).isPresent();
    }

    @Test
    void r37_onlyAgainstALeaderWhoseMemberKeySaysPrimary() {
        Decision d = Scenario.replica().stopped().with(s -> {
            s.local = REWIND;
            s.memory = s.memory.withRewind(RewindState.CHECK);
            s.member("node2").role = Role.REPLICA;
        }).decide();
        assertThat(d.find(Action.CheckRewind.class)).isEmpty();
    }

    @Test
    void r38_rewindsWhenNeededAndPossible() {
        Decision d = Scenario.replica().stopped().with(s -> {
            s.local = REWIND;
            s.memory = s.memory.withRewind(RewindState.NEED);
        }).decide();
        assertThat(d.find(Action.Rewind.class).orElseThrow().leader().name()).isEqualTo("node2");
    }

    @Test
    void r38_waitsForCheckpointAfterPromoteOnTheLeader() {
        Decision d = Scenario.replica().stopped().with(s -> {
            s.local = REWIND;
            s.memory = s.memory.withRewind(RewindState.NEED);
            s.member("node2").checkpointAfterPromote = false;
        }).decide();
        assertThat(d.find(Action.Rewind.class)).isEmpty();
        assertThat(d.message()).contains("checkpoint after promote");
    }

    @Test
    void r36_rewindImpossibleWithoutWalLogHints() {
        Decision d = Scenario.replica().stopped().with(s -> {
            s.local = REWIND;
            s.rewindPossible = false;
            s.memory = s.memory.withRewind(RewindState.NEED);
        }).decide();
        assertThat(d.find(Action.Rewind.class)).isEmpty();
        assertThat(d.find(Action.Reinitialize.class)).isEmpty();
    }

    @Test
    void r39_reinitializesDivergedNodeWhenAllowed() {
        Decision d = Scenario.replica().stopped().with(s -> {
            s.local = REINIT;
            s.memory = s.memory.withRewind(RewindState.NEED);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.REINITIALIZING_DIVERGED);
        assertThat(d.message()).isEqualTo("reinitializing due to diverged timelines");
    }

    @Test
    void r38_neverWipesDataAfterRewindFailureUnlessAllowed() {
        Decision d = Scenario.replica().with(s -> {
            s.local = REWIND;
            s.memory = s.memory.withRewind(RewindState.FAILED);
        }).decide();
        assertThat(d.find(Action.Reinitialize.class)).isEmpty();
    }

    @Test
    void r38_reinitializesAfterRewindFailureWhenAllowed() {
        Decision d = Scenario.replica().with(s -> {
            s.local = REWIND_FAILURE_WIPE;
            s.memory = s.memory.withRewind(RewindState.FAILED);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.REINITIALIZING_AFTER_REWIND_FAILURE);
    }

    @Test
    void r36_divergedRunningReplicaWithoutAnyFixReportsIt() {
        Decision d = Scenario.replica().with(s -> {
            s.local = new LocalSettings(true, true, false, false, false, "off");
            s.rewindPossible = false;
            s.memory = s.memory.withRewind(RewindState.NEED);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.DIVERGED_CANNOT_FIX);
        assertThat(d.actions()).isEmpty();
    }
}
