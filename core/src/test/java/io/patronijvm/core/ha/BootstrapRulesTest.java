package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.StopMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** R4, R5, R8 to R10, R15 to R18. */
class BootstrapRulesTest {

    private static Scenario emptyNode() {
        return Scenario.leaderless().with(s -> {
            s.initialize = null;
            s.dataDir = DataDirState.EMPTY;
            s.stopped();
            s.memory = Memory.INITIAL;
        });
    }

    @Test
    void r15_racesForInitializeInEmptyCluster() {
        Decision d = emptyNode().decide();
        assertThat(d.reason()).isEqualTo(Reason.RACING_FOR_INITIALIZE);
        assertThat(d.redecides()).isTrue();
    }

    @Test
    void r15_loserReportsFailedToAcquireInitializeLock() {
        Decision d = emptyNode().with(s -> s.last = AttemptResult.INITIALIZE_LOST).decide();
        assertThat(d.reason()).isEqualTo(Reason.BOOTSTRAP_LOST);
        assertThat(d.message()).isEqualTo("failed to acquire initialize lock");
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void r15_winnerBootstraps() {
        Decision d = emptyNode().with(s -> s.last = AttemptResult.INITIALIZE_WON).decide();
        assertThat(d.find(Action.Bootstrap.class)).isPresent();
        assertThat(d.actions().get(0).isLong()).isTrue();
    }

    @Test
    void r15_nofailoverNodeDoesNotBootstrap() {
        Decision d = emptyNode().tag("nofailover", true).decide();
        assertThat(d.reason()).isEqualTo(Reason.WAITING_FOR_LEADER_TO_BOOTSTRAP);
    }

    @Test
    void r15_nodeWithoutBootstrapSectionWaits() {
        Decision d = emptyNode().with(s -> s.local = new LocalSettings(false, false, false, false, false, "off"))
                .decide();
        assertThat(d.reason()).isEqualTo(Reason.WAITING_FOR_LEADER_TO_BOOTSTRAP);
        assertThat(d.message()).isEqualTo("waiting for leader to bootstrap");
    }

    @Test
    void r18_waitsForLeaderWhileInitializeIsBeingWritten() {
        Decision d = emptyNode().with(s -> s.initialize = "").decide();
        assertThat(d.reason()).isEqualTo(Reason.WAITING_FOR_LEADER_TO_BOOTSTRAP);
    }

    @Test
    void r18_clonesWithoutLeaderWhenANoLeaderMethodExists() {
        Decision d = emptyNode().with(s -> {
            s.initialize = Scenario.SYSID;
            s.local = new LocalSettings(true, false, false, false, true, "off");
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.CLONING_WITHOUT_LEADER);
        assertThat(d.find(Action.Clone.class).orElseThrow().source()).isNull();
    }

    @Test
    void r17_clonesFromLeader() {
        Decision d = Scenario.replica().with(s -> {
            s.dataDir = DataDirState.EMPTY;
            s.stopped();
            s.memory = Memory.INITIAL;
        }).decide();
        assertThat(d.find(Action.Clone.class).orElseThrow().source().name()).isEqualTo("node2");
        assertThat(d.message()).isEqualTo("trying to bootstrap from leader 'node2'");
    }

    @Test
    void r17_prefersARunningClonefromMember() {
        Decision d = Scenario.replica().memberTag("node3", "clonefrom", true).with(s -> {
            s.dataDir = DataDirState.EMPTY;
            s.stopped();
            s.memory = Memory.INITIAL;
        }).decide();
        assertThat(d.find(Action.Clone.class).orElseThrow().source().name()).isEqualTo("node3");
    }

    @Test
    void r9_releasesLockWhenDataDirectoryEmpty() {
        Decision d = Scenario.leader().with(s -> s.dataDir = DataDirState.EMPTY).decide();
        assertThat(d.reason()).isEqualTo(Reason.DATA_DIR_EMPTY_RELEASED_LOCK);
        assertThat(d.actions()).contains(new Action.SetRole(Role.UNINITIALIZED),
                new Action.StopPostgres(StopMode.IMMEDIATE), new Action.ReleaseLock());
    }

    @Test
    void r9_pausedNodeWithEmptyDataDirectoryDoesNotBootstrap() {
        Decision d = emptyNode().with(s -> s.pause = true).decide();
        assertThat(d.find(Action.RaceInitialize.class)).isEmpty();
        assertThat(d.message()).startsWith("PAUSE: ");
    }

    @Test
    void invalidDataDirectoryIsNeverTouched() {
        Decision d = Scenario.replica().with(s -> {
            s.dataDir = DataDirState.INVALID;
            s.stopped();
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.DATA_DIR_INVALID);
        assertThat(d.actions()).isEmpty();
    }

    @Test
    void r10_exitsOnSysidMismatch() {
        Decision d = Scenario.replica().with(s -> s.sysid = "7999999999999999999").decide();
        assertThat(d.reason()).isEqualTo(Reason.SYSID_MISMATCH);
        assertThat(d.find(Action.Exit.class).orElseThrow().fatalReason()).contains("belongs to a different cluster");
    }

    @Test
    void r10_pausedSysidMismatchOnlyWarnsAndReleasesTheLock() {
        Decision d = Scenario.leader().with(s -> {
            s.pause = true;
            s.sysid = "7999999999999999999";
        }).decide();
        assertThat(d.reason()).isEqualTo(Reason.SYSID_MISMATCH_PAUSED);
        assertThat(Acts.of(d)).containsExactly("ReleaseLock");
    }

    @Test
    void r10_adoptsExistingPrimaryByWritingInitialize() {
        Decision d = Scenario.leaderless().primary().peersAt(900).with(s -> s.initialize = null).decide();
        assertThat(Acts.of(d)).containsExactly("WriteInitialize", "AcquireLock");
        assertThat(d.find(Action.WriteInitialize.class).orElseThrow().sysid()).isEqualTo(Scenario.SYSID);
    }

    @Test
    void r10_exitsWhenOnlyAReplicaRunsAndNoInitializeKey() {
        Decision d = Scenario.leaderless().with(s -> s.initialize = null).decide();
        assertThat(d.reason()).isEqualTo(Reason.REPLICA_WITHOUT_PRIMARY);
        assertThat(Acts.of(d)).containsExactly("Exit");
    }

    @Test
    void r4_holderRepairsInitializeKey() {
        Decision d = Scenario.leader().with(s -> s.initialize = "").decide();
        assertThat(d.actions()).startsWith(new Action.WriteInitialize(Scenario.SYSID));
        assertThat(d.reason()).isEqualTo(Reason.LEADER_RENEWED);
    }

    @Test
    void r5_holderWritesMissingConfig() {
        Decision d = Scenario.leader().with(s -> s.configKey = false).decide();
        assertThat(d.find(Action.WriteConfig.class).orElseThrow().config()).containsEntry("ttl", 30);
    }

    @Test
    void r8_bootstrapInProgressDoesNothingElse() {
        Decision d = emptyNode().with(s -> s.memory = Memory.INITIAL.withBootstrapping(true)).decide();
        assertThat(d.reason()).isEqualTo(Reason.BOOTSTRAP_IN_PROGRESS);
        assertThat(d.actions()).isEmpty();
    }
}
