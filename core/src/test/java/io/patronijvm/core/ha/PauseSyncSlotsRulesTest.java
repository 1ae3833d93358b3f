package io.patronijvm.core.ha;

import io.patronijvm.core.model.SyncState;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Pause R44 to R47, synchronous replication R48 to R50 and R52, slots R55 to R57. */
class PauseSyncSlotsRulesTest {

    @Test
    void r44_pausedReplicaNeverRacesAndMessagesArePrefixed() {
        Decision d = Scenario.leaderless().peersAt(0).with(s -> s.pause = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.PAUSED_NO_RACE);
        assertThat(d.find(Action.AcquireLock.class)).isEmpty();
        assertThat(d.message()).startsWith("PAUSE: ");
    }

    @Test
    void r45_pausedRunningPrimaryTakesAFreeLockWhenSysidMatches() {
        Decision d = Scenario.leaderless().primary().with(s -> s.pause = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.PAUSED_PRIMARY_ACQUIRES);
        assertThat(Acts.of(d)).containsExactly("AcquireLock");
    }

    @Test
    void r45_pausedReplicaNeverReconfigured() {
        Decision d = Scenario.replica().with(s -> {
            s.pause = true;
            s.upstreamHost = "127.0.0.3";
        }).decide();
        assertThat(d.find(Action.Follow.class)).isEmpty();
    }

    @Test
    void r47_pausedPrimaryWithoutLockOnlyWarns() {
        Decision d = Scenario.replica().primary().with(s -> s.pause = true).decide();
        assertThat(d.reason()).isEqualTo(Reason.PAUSED_PRIMARY_WITHOUT_LOCK);
        assertThat(d.find(Action.Demote.class)).isEmpty();
    }

    @Test
    void r47_pausedLeaderDoesNotDropUnknownSlots() {
        Decision d = Scenario.leader().with(s -> {
            s.pause = true;
            s.slots = Set.of("node2", "node3", "foreign");
        }).decide();
        assertThat(d.find(Action.SyncSlots.class)).isEmpty();
    }

    @Test
    void r48_syncModeOffDeletesSyncKeyAndRestoresGuc() {
        Decision d = Scenario.leader().with(s -> {
            s.sync = new SyncState("node1", Set.of("node2"), 4);
            s.syncNames = "node2";
        }).decide();
        assertThat(d.actions()).contains(new Action.DeleteSync(4), new Action.SetSyncStandbyNames(""));
    }

    @Test
    void r49_firstWritesSyncKeyWithOnlyTheLeader() {
        Decision d = Scenario.leader().with(s -> s.syncMode = true).decide();
        assertThat(d.find(Action.WriteSync.class).orElseThrow().state())
                .isEqualTo(new SyncState("node1", Set.of(), 0));
    }

    @Test
    void r49_addsCandidateToGucBeforeSyncKey() {
        Decision d = Scenario.leader().sync("node1").walSender("node2", "async", 900).decide();
        assertThat(d.actions()).contains(new Action.SetSyncStandbyNames("node2"));
        assertThat(d.find(Action.WriteSync.class)).isEmpty();
    }

    @Test
    void r49_addsToSyncKeyOncePgStatReplicationShowsSync() {
        Decision d = Scenario.leader().sync("node1").walSender("node2", "sync", 900)
                .with(s -> s.syncNames = "node2").decide();
        assertThat(d.find(Action.WriteSync.class).orElseThrow().state().syncStandbys()).containsExactly("node2");
        assertThat(d.find(Action.SetSyncStandbyNames.class)).isEmpty();
    }

    @Test
    void r49_removesFromSyncKeyFirstAndKeepsItInGucUntilThen() {
        Decision d = Scenario.leader().sync("node1", "node3").walSender("node2", "sync", 900)
                .with(s -> s.syncNames = "node3").decide();
        assertThat(d.actions()).contains(new Action.SetSyncStandbyNames("2 (node2,node3)"));
        assertThat(d.find(Action.WriteSync.class).orElseThrow().state().syncStandbys()).isEmpty();
        int guc = Acts.of(d).indexOf("SetSyncStandbyNames");
        int key = Acts.of(d).indexOf("WriteSync");
        assertThat(guc).isLessThan(key);
    }

    @Test
    void r49_nosyncAndHigherPriorityShapeTheChoice() {
        Decision d = Scenario.leader().sync("node1").memberTag("node2", "nosync", true)
                .walSender("node2", "async", 900).walSender("node3", "async", 800).decide();
        assertThat(d.actions()).contains(new Action.SetSyncStandbyNames("node3"));
    }

    /** Patroni measures the sync lag at the LSN commits wait for: replay with remote_apply, flush otherwise. */
    @Test
    void r49_stuckReplayReplacesTheSyncStandbyOnlyWithRemoteApply() {
        Scenario flush = Scenario.leader().sync("node1", "node2").with(s -> s.syncMaxLag = 1000)
                .walSender("node2", "sync", 9000, 10).walSender("node3", "async", 9000, 9000)
                .with(s -> s.syncNames = "node2");
        assertThat(flush.decide().find(Action.SetSyncStandbyNames.class)).as("flush is level: keep node2").isEmpty();

        Scenario apply = Scenario.leader().sync("node1", "node2").with(s -> s.syncMaxLag = 1000)
                .with(s -> s.pgParameters = Map.of("synchronous_commit", "remote_apply"))
                .walSender("node2", "sync", 9000, 10).walSender("node3", "async", 9000, 9000)
                .with(s -> s.syncNames = "node2");
        Decision d = apply.decide();
        assertThat(d.actions()).contains(new Action.SetSyncStandbyNames("2 (node2,node3)"));
        assertThat(d.find(Action.WriteSync.class).orElseThrow().state().syncStandbys()).as("node2 leaves /sync first")
                .isEmpty();
    }

    @Test
    void r49_gucFormatQuotesAndCounts() {
        assertThat(SyncRules.format(Set.of("b", "a"))).isEqualTo("2 (a,b)");
        assertThat(SyncRules.format(Set.of("Node-1"))).isEqualTo("\"Node-1\"");
        assertThat(SyncRules.gucNames("2 (a,\"Node-1\")")).containsExactly("Node-1", "a");
    }

    @Test
    void r50_strictModeWithoutCandidatesBlocksCommits() {
        Decision d = Scenario.leader().sync("node1").with(s -> s.syncStrict = true).decide();
        assertThat(d.actions()).contains(new Action.SetSyncStandbyNames("*"));
    }

    @Test
    void r50_nonStrictModeWithoutCandidatesDegradesToAsync() {
        Decision d = Scenario.leader().sync("node1").with(s -> s.syncNames = "").decide();
        assertThat(d.find(Action.SetSyncStandbyNames.class)).isEmpty();
    }

    @Test
    void r52_onlyASyncMemberMayRaceInSyncMode() {
        Decision notInSync = Scenario.leaderless().sync("node2", "node3").peersAt(0).decide();
        assertThat(notInSync.find(Action.AcquireLock.class)).isEmpty();
        Decision inSync = Scenario.leaderless().sync("node2", "node1").peersAt(0).decide();
        assertThat(inSync.find(Action.AcquireLock.class)).isPresent();
    }

    @Test
    void r55_primaryKeepsASlotPerMemberExceptItselfAndNostream() {
        Decision d = Scenario.leader().memberTag("node3", "nostream", true).with(s -> s.slots = Set.of()).decide();
        assertThat(d.find(Action.SyncSlots.class).orElseThrow().wanted()).containsExactly("node2");
    }

    @Test
    void r55_replicatefromMembersGetTheirSlotOnTheirUpstream() {
        Decision primary = Scenario.leader().memberTag("node3", "replicatefrom", "node2").with(s -> s.slots = Set.of())
                .decide();
        assertThat(primary.find(Action.SyncSlots.class).orElseThrow().wanted()).containsExactly("node2");
        Scenario cascade = Scenario.replica().memberTag("node3", "replicatefrom", "node1");
        assertThat(cascade.decide().find(Action.SyncSlots.class).orElseThrow().wanted()).containsExactly("node3");
    }

    @Test
    void r55_slotNamesAreSanitised() {
        assertThat(Facts.slotName("Node-1.a")).isEqualTo("node_1_a");
        assertThat(Facts.slotName("ü")).isEqualTo("u00fc");
        assertThat(Facts.slotName("x".repeat(70))).hasSize(63);
    }

    @Test
    void r56_unwantedSlotsAreDroppedByTheWantedSet() {
        Decision d = Scenario.leader().with(s -> s.slots = Set.of("node2", "node3", "old_member")).decide();
        assertThat(d.find(Action.SyncSlots.class).orElseThrow().wanted()).containsExactlyInAnyOrder("node2", "node3");
    }

    @Test
    void r57_permanentSlotsAreKeptOnThePrimaryButNotAPhysicalOneNamedLikeUs() {
        Decision d = Scenario.leader().with(s -> s.permanentSlots = Map.of(
                "archiver", Map.of("type", "physical"),
                "node1", Map.of("type", "physical"),
                "cdc", Map.of("type", "logical", "database", "app", "plugin", "pgoutput"))).decide();
        assertThat(d.find(Action.SyncSlots.class).orElseThrow().wanted())
                .containsExactlyInAnyOrder("node2", "node3", "archiver", "cdc");
    }

    /** A standby cannot create a logical slot, but keeps a permanent one it has; an unknown one goes (Patroni). */
    @Test
    void r57_aReplicaKeepsThePermanentLogicalSlotsItHasAndDropsOthers() {
        Map<String, Map<String, Object>> permanent = Map.of(
                "cdc", Map.of("type", "logical", "database", "app", "plugin", "pgoutput"),
                "cdc2", Map.of("type", "logical", "database", "app", "plugin", "pgoutput"));
        Decision d = Scenario.replica().with(s -> {
            s.permanentSlots = permanent;
            s.slots = Set.of("cdc", "dummy_slot");
        }).decide();
        assertThat(d.find(Action.SyncSlots.class).orElseThrow().wanted()).containsExactly("cdc");
    }

    @Test
    void r55_noSlotsWhenUseSlotsIsOff() {
        Decision d = Scenario.leader().with(s -> {
            s.useSlots = false;
            s.slots = Set.of();
        }).decide();
        assertThat(d.find(Action.SyncSlots.class)).isEmpty();
    }
}
