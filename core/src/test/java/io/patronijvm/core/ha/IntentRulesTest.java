package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.status.RestartRequest;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Shutdown R63, restart R64, reinitialize R66, callbacks R60/R61. */
class IntentRulesTest {

    private static RestartRequest now() {
        return new RestartRequest(null, null, 0, null, false);
    }

    @Test
    void r63_leaderStopsAndReleasesLockOnShutdown() {
        Decision d = Scenario.leader().with(s -> s.shuttingDown = true).decide();
        assertThat(d.actions()).containsExactly(new Action.ShutdownStop(true, true));
    }

    @Test
    void r63_pausedShutdownLeavesPostgresAndLock() {
        Decision d = Scenario.leader().with(s -> {
            s.shuttingDown = true;
            s.pause = true;
        }).decide();
        assertThat(d.actions()).containsExactly(new Action.ShutdownStop(false, false));
    }

    @Test
    void r63_replicaShutdownCancelsRunningTaskFirst() {
        Decision d = Scenario.replica().with(s -> {
            s.shuttingDown = true;
            s.async = new AsyncTask(AsyncKind.CLONE, Scenario.NOW);
        }).decide();
        assertThat(Acts.of(d)).containsExactly("CancelAsync", "ShutdownStop");
        assertThat(d.find(Action.ShutdownStop.class).orElseThrow().asLeader()).isFalse();
    }

    @Test
    void r64_restartsOnRequest() {
        Decision d = Scenario.replica().restartRequest(now()).decide();
        assertThat(d.reason()).isEqualTo(Reason.RESTARTING);
        assertThat(Acts.of(d)).containsExactly("Restart");
    }

    @Test
    void r64_refusesRestartForAnotherRole() {
        Decision d = Scenario.replica().restartRequest(new RestartRequest(null, Role.PRIMARY, 0, null, false)).decide();
        assertThat(d.actions()).startsWith(new Action.RefuseIntent(Action.IntentKind.RESTART,
                "restart conditions are not satisfied: role is replica"));
        assertThat(d.reason()).isEqualTo(Reason.FOLLOWING_LEADER);
    }

    @Test
    void r64_refusesRestartWhenNothingPending() {
        Decision d = Scenario.replica().restartRequest(new RestartRequest(null, null, 0, null, true)).decide();
        assertThat(d.find(Action.RefuseIntent.class)).isPresent();
    }

    @Test
    void r64_refusesRestartWhenVersionAlreadyHighEnough() {
        Decision d = Scenario.replica().restartRequest(new RestartRequest(null, null, 150000, null, false)).decide();
        assertThat(d.find(Action.RefuseIntent.class)).isPresent();
    }

    @Test
    void r64_scheduledRestartWaitsAndLetsTheCycleGoOn() {
        OffsetDateTime later = OffsetDateTime.ofInstant(Scenario.WALL.plusSeconds(600), ZoneOffset.UTC);
        Decision d = Scenario.replica().restartRequest(new RestartRequest(later, null, 0, null, false)).decide();
        assertThat(d.reason()).isEqualTo(Reason.FOLLOWING_LEADER);
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void r64_scheduledRestartCancelledWhenPostmasterRestarted() {
        OffsetDateTime due = OffsetDateTime.ofInstant(Scenario.WALL.minusSeconds(1), ZoneOffset.UTC);
        Decision d = Scenario.replica().restartRequest(new RestartRequest(due, null, 0, null, false))
                .with(s -> s.postmasterStart = "2025-01-01 11:00:00+00").decide();
        assertThat(d.find(Action.RefuseIntent.class).orElseThrow().why()).contains("postgres restarted");
    }

    /** Patroni checks a scheduled restart's conditions when it is due, not when it is scheduled. */
    @Test
    void r64_scheduledRestartKeepsWaitingEvenWhenItsConditionsDoNotHoldYet() {
        OffsetDateTime later = OffsetDateTime.ofInstant(Scenario.WALL.plusSeconds(5), ZoneOffset.UTC);
        Decision waiting = Scenario.replica().restartRequest(new RestartRequest(later, Role.PRIMARY, 0, null, true)).decide();
        assertThat(waiting.find(Action.RefuseIntent.class)).isEmpty();

        OffsetDateTime due = OffsetDateTime.ofInstant(Scenario.WALL.minusSeconds(1), ZoneOffset.UTC);
        Decision refused = Scenario.replica().restartRequest(new RestartRequest(due, Role.PRIMARY, 0, null, false)).decide();
        assertThat(refused.find(Action.RefuseIntent.class).orElseThrow().why()).contains("role is replica");
        Decision runs = Scenario.replica().restartRequest(new RestartRequest(due, Role.REPLICA, 0, null, false)).decide();
        assertThat(Acts.of(runs)).contains("Restart");
    }

    @Test
    void r46_scheduledRestartRefusedInPause() {
        OffsetDateTime due = OffsetDateTime.ofInstant(Scenario.WALL.minusSeconds(1), ZoneOffset.UTC);
        Decision d = Scenario.replica().restartRequest(new RestartRequest(due, null, 0, null, false))
                .with(s -> s.pause = true).decide();
        assertThat(d.find(Action.RefuseIntent.class)).isPresent();
        assertThat(d.find(Action.Restart.class)).isEmpty();
    }

    @Test
    void r46_unscheduledRestartAllowedInPause() {
        Decision d = Scenario.replica().restartRequest(now()).with(s -> s.pause = true).decide();
        assertThat(Acts.of(d)).containsExactly("Restart");
    }

    @Test
    void r66_reinitializesReplicaFromLeader() {
        Decision d = Scenario.replica().with(s -> s.reinit = new ReinitIntent(false, false)).decide();
        assertThat(d.find(Action.Reinitialize.class).orElseThrow().source().name()).isEqualTo("node2");
    }

    @Test
    void r66_reinitializePrefersClonefromUnlessFromLeader() {
        Scenario s = Scenario.replica().memberTag("node3", "clonefrom", true);
        s.reinit = new ReinitIntent(false, false);
        assertThat(s.decide().find(Action.Reinitialize.class).orElseThrow().source().name()).isEqualTo("node3");
        s.reinit = new ReinitIntent(false, true);
        assertThat(s.decide().find(Action.Reinitialize.class).orElseThrow().source().name()).isEqualTo("node2");
    }

    @Test
    void r66_refusesReinitializeOnTheLeader() {
        Decision d = Scenario.leader().with(s -> s.reinit = new ReinitIntent(false, false)).decide();
        assertThat(d.find(Action.RefuseIntent.class).orElseThrow().why()).isEqualTo("I am the leader, can not reinitialize");
        assertThat(d.find(Action.Reinitialize.class)).isEmpty();
    }

    @Test
    void r66_refusesReinitializeWithoutLeader() {
        Decision d = Scenario.leaderless().peersAt(0).with(s -> s.reinit = new ReinitIntent(false, false)).decide();
        assertThat(d.find(Action.RefuseIntent.class).orElseThrow().why())
                .isEqualTo("Cluster has no leader, can not reinitialize");
    }

    @Test
    void r66_forceCancelsTheRunningTask() {
        Decision d = Scenario.replica().with(s -> {
            s.reinit = new ReinitIntent(true, false);
            s.async = new AsyncTask(AsyncKind.REWIND, Scenario.NOW);
        }).decide();
        assertThat(Acts.of(d)).containsExactly("CancelAsync", "Reinitialize");
    }

    @Test
    void r60_onStartFiresOnceWithTheRole() {
        Decision first = Scenario.leader().with(s -> s.memory = s.memory.withPgSeenRunning(false)).decide();
        assertThat(first.actions()).contains(new Action.RunCallback(CallbackEvent.ON_START, Role.PRIMARY));
        Decision later = Scenario.leader().decide();
        assertThat(later.find(Action.RunCallback.class)).isEmpty();
    }

    @Test
    void r60_noCallbackDuringBootstrap() {
        Decision d = Scenario.leader().with(s -> s.memory = Memory.INITIAL.withBootstrapping(true)).decide();
        assertThat(d.find(Action.RunCallback.class)).isEmpty();
    }

    @Test
    void r60_roleChangeCallbacksAreTheExecutorsAfterPromoteAndDemote() {
        Decision d = Scenario.replica().iAmLeader().with(s -> s.inRecovery = true).decide();
        assertThat(d.find(Action.Promote.class)).isPresent();
        assertThat(d.find(Action.RunCallback.class)).isEmpty();
        assertThat(CallbackEvent.ON_ROLE_CHANGE.wire()).isEqualTo("on_role_change");
    }

    @Test
    void r61_prePromoteFailureReleasesTheLockInsteadOfPromoting() {
        Decision d = Scenario.replica().iAmLeader().with(s -> {
            s.inRecovery = true;
            s.memory = s.memory.withPrePromoteFailedAt(Scenario.NOW - 1);
        }).decide();
        assertThat(d.find(Action.Promote.class)).isEmpty();
        assertThat(d.find(Action.ReleaseLock.class)).isPresent();
    }
}
