package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.PgRunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Decision 3 and R6, R7, R19 to R21, R40: the lease. */
class LockRulesTest {

    @ParameterizedTest
    @EnumSource(value = LockState.class, names = {"RENEW_FAILED_UNAVAILABLE", "RENEW_FAILED_SESSION_LOST", "LEASE_EXPIRED"})
    void r19_demotesWhenLeaderRenewFails(LockState lock) {
        Decision d = Scenario.leader().with(s -> s.lock = lock).decide();
        assertThat(d.reason()).isEqualTo(Reason.DEMOTED_LOCK_LOST);
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.IMMEDIATE_NOLOCK);
        assertThat(d.message()).isEqualTo("demoted self because failed to update leader lock in DCS");
    }

    @Test
    void r19_demotesAnUnqueryablePostmasterThatMightBeWritable() {
        Decision d = Scenario.leader().with(s -> {
            s.lock = LockState.RENEW_FAILED_UNAVAILABLE;
            s.accepts = false;
        }).decide();
        assertThat(d.find(Action.Demote.class)).isPresent();
    }

    @Test
    void r19_pausedLeaderKeepsRunningWhenRenewFails() {
        Decision d = Scenario.leader().with(s -> {
            s.pause = true;
            s.lock = LockState.RENEW_FAILED_UNAVAILABLE;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.LOCK_LOST_PAUSED);
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void r19_replicaHolderDoesNotPromoteWhenRenewFails() {
        Decision d = Scenario.replica().iAmLeader().with(s -> {
            s.lock = LockState.RENEW_FAILED_UNAVAILABLE;
            s.inRecovery = true;
            s.standbySignal = true;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_PROMOTING_LOCK_LOST);
        assertThat(d.find(Action.Promote.class)).isEmpty();
    }

    @Test
    void r19_pausedHolderThatIsNotPrimaryReleasesTheLock() {
        Decision d = Scenario.replica().iAmLeader().with(s -> {
            s.pause = true;
            s.inRecovery = true;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.PAUSED_RELEASED_LOCK);
        assertThat(Acts.of(d)).containsExactly("ReleaseLock");
    }

    @Test
    void r19_pausedCandidateHolderWaitsToBecomePrimary() {
        Decision d = Scenario.replica().iAmLeader().failover(null, "node1").with(s -> {
            s.pause = true;
            s.inRecovery = true;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.WAITING_TO_BECOME_PRIMARY);
    }

    @Test
    void r21_holderThatIsReplicaPromotes() {
        Decision d = Scenario.replica().iAmLeader().with(s -> s.inRecovery = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.PROMOTING_HELD_LOCK);
        assertThat(Acts.of(d)).containsExactly("Promote");
    }

    @Test
    void r21_releasesLockWhenPrePromoteFailedRecently() {
        Decision d = Scenario.replica().iAmLeader().with(s -> {
            s.inRecovery = true;
            s.memory = s.memory.withPrePromoteFailedAt(Scenario.NOW - 5_000_000_000L);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.PRE_PROMOTE_FAILED);
        assertThat(Acts.of(d)).containsExactly("ReleaseLock");
    }

    @Test
    void r21_leaderUpdatesStaleHistory() {
        Decision d = Scenario.leader().with(s -> s.timeline = 3).decide();
        assertThat(d.find(Action.UpdateHistory.class)).isPresent();
    }

    @Test
    void r21_holderWhoseRequiredWatchdogCouldNotBeArmedReleasesTheLockInsteadOfPromoting() {
        Decision d = Scenario.replica().iAmLeader().with(s -> {
            s.inRecovery = true;
            s.memory = s.memory.withWatchdog(new WatchdogStatus(true, true));
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.WATCHDOG_ACTIVATION_FAILED);
        assertThat(d.message()).isEqualTo("Not promoting self because watchdog could not be activated");
        assertThat(Acts.of(d)).containsExactly("ReleaseLock");
    }

    @Test
    void r21_primaryWhoseRequiredWatchdogCouldNotBeArmedDemotesImmediately() {
        Decision d = Scenario.leader().with(s -> s.memory = s.memory.withWatchdog(new WatchdogStatus(true, true)))
                .decide();
        assertThat(d.reason()).isEqualTo(Reason.WATCHDOG_ACTIVATION_FAILED);
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.IMMEDIATE);
    }

    @Test
    void r21_pausedHolderIgnoresTheWatchdog() {
        Decision d = Scenario.leader().with(s -> {
            s.pause = true;
            s.memory = s.memory.withWatchdog(new WatchdogStatus(true, true));
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.LEADER_RENEWED);
    }

    @Test
    void r23_8_replicaWithAnUnusableRequiredWatchdogDoesNotRace() {
        Decision d = Scenario.leaderless().with(s -> s.memory = s.memory.withWatchdog(
                new WatchdogStatus(false, false))).decide();
        assertThat(d.reason()).isEqualTo(Reason.NOT_HEALTHIEST);
        assertThat(d.message()).contains("Watchdog device is not usable");
        assertThat(d.find(Action.AcquireLock.class)).isEmpty();
    }

    @Test
    void r20_demotesPrimaryThatDoesNotHoldTheLock() {
        Decision d = Scenario.replica().primary().decide();
        assertThat(d.reason()).isEqualTo(Reason.DEMOTED_NOT_HOLDER);
        Action.Demote demote = d.find(Action.Demote.class).orElseThrow();
        assertThat(demote.mode()).isEqualTo(DemoteMode.IMMEDIATE_NOLOCK);
        assertThat(demote.followAfter().memberName()).isEqualTo("node2");
    }

    @Test
    void r20_reconfiguresReplicaFollowingTheWrongHost() {
        Decision d = Scenario.replica().with(s -> s.upstreamHost = "127.0.0.3").decide();
        assertThat(d.reason()).isEqualTo(Reason.FOLLOW_RECONFIGURED);
        Action.Follow f = d.find(Action.Follow.class).orElseThrow();
        assertThat(f.upstream().host()).isEqualTo("127.0.0.2");
        assertThat(f.upstream().slotName()).isEqualTo("node1");
    }

    @Test
    void r20_replicatefromTagFollowsTheNamedMember() {
        Decision d = Scenario.replica().tag("replicatefrom", "node3").decide();
        assertThat(d.find(Action.Follow.class).orElseThrow().upstream().memberName()).isEqualTo("node3");
    }

    @Test
    void r20_nostreamFollowsNobody() {
        Decision d = Scenario.replica().tag("nostream", true).decide();
        assertThat(d.find(Action.Follow.class).orElseThrow().upstream().isNobody()).isTrue();
    }

    @Test
    void r6_keepsRenewingDuringLongAction() {
        Decision d = Scenario.leader().with(s -> s.async = new AsyncTask(AsyncKind.RESTART, Scenario.NOW)).decide();
        assertThat(d.message()).isEqualTo("updated leader lock during restart");
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void r6_cancelsPromoteWhenLockLost() {
        Decision d = Scenario.replica().iAmLeader().with(s -> {
            s.inRecovery = true;
            s.lock = LockState.RENEW_FAILED_SESSION_LOST;
            s.async = new AsyncTask(AsyncKind.PROMOTE, Scenario.NOW);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.ASYNC_LOST_LEADER);
        assertThat(Acts.of(d)).containsExactly("CancelAsync", "Demote");
        assertThat(d.message()).isEqualTo("lost leader before promote");
    }

    @Test
    void r6_cancelsPromoteWhenAnotherNodeHoldsTheKey() {
        Decision d = Scenario.replica().with(s -> s.async = new AsyncTask(AsyncKind.PROMOTE, Scenario.NOW)).decide();
        assertThat(d.reason()).isEqualTo(Reason.ASYNC_LOST_LEADER);
    }

    @Test
    void r6_replicaCloneInProgressJustWaits() {
        Decision d = Scenario.replica().stopped().with(s -> s.async = new AsyncTask(AsyncKind.CLONE, Scenario.NOW))
                .decide();
        assertThat(d.reason()).isEqualTo(Reason.ASYNC_IN_PROGRESS);
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void r7_waitsWhileHolderIsStarting() {
        Decision d = Scenario.leader().with(s -> {
            s.state = PgRunState.STARTING;
            s.accepts = false;
            s.memory = s.memory.withStartingSince(Scenario.NOW - 10_000_000_000L);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.WAITING_FOR_START);
    }

    @Test
    void r7_demotesImmediateWhenPrimaryStartTimesOutAndFailoverPossible() {
        Decision d = Scenario.leader().peersAt(1000).with(s -> {
            s.state = PgRunState.STARTING;
            s.accepts = false;
            s.memory = s.memory.withStartingSince(Scenario.NOW - 301_000_000_000L);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.PRIMARY_START_TIMEOUT);
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.IMMEDIATE);
    }

    @Test
    void r35_crashRecoveryInAsyncSlotCountsAgainstPrimaryStartTimeout() {
        Decision d = Scenario.leader().peersAt(1000).with(s -> {
            s.async = new AsyncTask(AsyncKind.CRASH_RECOVERY, Scenario.NOW - 400_000_000_000L);
            s.accepts = false;
            s.memory = s.memory.withStartingSince(Scenario.NOW - 400_000_000_000L);
        }).decide();
        assertThat(Acts.of(d)).containsExactly("CancelAsync", "Demote");
    }

    @Test
    void r7_keepsWaitingAfterTimeoutWhenNobodyCanTakeOver() {
        Decision d = Scenario.leader().unreachable("node2").unreachable("node3").with(s -> {
            s.state = PgRunState.STARTING;
            s.accepts = false;
            s.memory = s.memory.withStartingSince(Scenario.NOW - 301_000_000_000L);
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.WAITING_FOR_START);
    }

    @Test
    void r40_demotesOfflineWhenDcsUnavailable() {
        Decision d = Scenario.leader().with(s -> s.dcsDown = true).decide();
        assertThat(d.find(Action.Demote.class).orElseThrow().mode()).isEqualTo(DemoteMode.OFFLINE);
        assertThat(d.message()).isEqualTo("demoted self because DCS is not accessible and I was a leader");
    }

    @Test
    void r40_failsafeModeAsksForTheTopologyCheckBeforeDemoting() {
        Decision d = Scenario.leader().with(s -> {
            s.dcsDown = true;
            s.failsafeMode = true;
        }).decide();
        assertThat(d.find(Action.CheckFailsafe.class)).isPresent();
        assertThat(d.find(Action.Demote.class)).isEmpty();
    }

    @Test
    void r40_neverAcquiresOrPromotesWithoutADcsView() {
        for (AttemptResult last : AttemptResult.values()) {
            Decision d = Scenario.leaderless().peersAt(0).with(s -> {
                s.dcsDown = true;
                s.last = last;
            }).decide();
            assertThat(d.find(Action.AcquireLock.class)).as("%s", last).isEmpty();
            assertThat(d.find(Action.Promote.class)).as("%s", last).isEmpty();
        }
    }

    @Test
    void r40_pausedPrimaryKeepsRunningWhenDcsUnavailable() {
        Decision d = Scenario.leader().with(s -> {
            s.dcsDown = true;
            s.pause = true;
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.DCS_UNAVAILABLE);
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void r13_firesOnStartTheFirstTimePostgresIsSeenRunning() {
        Decision d = Scenario.replica().with(s -> s.memory = Memory.INITIAL).decide();
        assertThat(d.actions()).contains(new Action.RunCallback(CallbackEvent.ON_START, Role.REPLICA),
                new Action.SetRole(Role.REPLICA));
    }
}
