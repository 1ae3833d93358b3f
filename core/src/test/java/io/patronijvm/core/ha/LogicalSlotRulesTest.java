package io.patronijvm.core.ha;

import io.patronijvm.core.dcs.wire.WireValues;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.pg.LogicalSlot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** R57: permanent logical slots published by the primary, copied to and advanced on replicas (Patroni 3.0.2). */
class LogicalSlotRulesTest {

    private static final Map<String, Map<String, Object>> CDC = Map.of(
            "cdc", Map.of("type", "logical", "database", "app", "plugin", "test_decoding"));

    private static LogicalSlot cdc(long lsn) {
        return new LogicalSlot("cdc", "test_decoding", "app", lsn, 700);
    }

    private static Scenario replicaWithCdc() {
        return Scenario.replica().with(s -> {
            s.permanentSlots = CDC;
            s.statusSlots = Map.of("cdc", 5000L);
        });
    }

    @Test
    void aReplicaCopiesAPublishedSlotItLacks() {
        Decision d = replicaWithCdc().decide();
        assertThat(d.find(Action.CopyLogicalSlots.class).orElseThrow().names()).containsExactly("cdc");
        assertThat(d.find(Action.AdvanceSlots.class)).isEmpty();
    }

    @Test
    void aSlotTheLeaderDidNotPublishIsNotCopied() {
        Decision d = replicaWithCdc().with(s -> s.statusSlots = Map.of()).decide();
        assertThat(d.find(Action.CopyLogicalSlots.class)).isEmpty();
    }

    @Test
    void aReplicaAdvancesItsSlotOnlyWhenTheLeaderIsAhead() {
        Decision behind = replicaWithCdc().with(s -> {
            s.slots = Set.of("cdc");
            s.logicalSlots = Map.of("cdc", cdc(4000));
        }).decide();
        assertThat(behind.find(Action.AdvanceSlots.class).orElseThrow().positions()).isEqualTo(Map.of("cdc", 5000L));
        assertThat(behind.find(Action.CopyLogicalSlots.class)).isEmpty();

        Decision level = replicaWithCdc().with(s -> {
            s.slots = Set.of("cdc");
            s.logicalSlots = Map.of("cdc", cdc(5000));
        }).decide();
        assertThat(level.find(Action.AdvanceSlots.class)).isEmpty();
    }

    @Test
    void aLocalSlotWithAnotherPluginIsNeitherAdvancedNorCopied() {
        Decision d = replicaWithCdc().with(s -> {
            s.slots = Set.of("cdc");
            s.logicalSlots = Map.of("cdc", new LogicalSlot("cdc", "pgoutput", "app", 10, 700));
        }).decide();
        assertThat(d.find(Action.AdvanceSlots.class)).isEmpty();
        assertThat(d.find(Action.CopyLogicalSlots.class)).isEmpty();
    }

    @Test
    void noLogicalSlotsOnANofailoverReplicaOrBeforePostgres11() {
        assertThat(replicaWithCdc().with(s -> s.selfTags.put("nofailover", true)).decide()
                .find(Action.CopyLogicalSlots.class)).isEmpty();
        assertThat(replicaWithCdc().with(s -> s.serverVersion = 100012).decide()
                .find(Action.CopyLogicalSlots.class)).isEmpty();
    }

    @Test
    void failsafePositionsReplaceTheStatusKeysAndStopCopying() {
        Decision d = replicaWithCdc().with(s -> {
            s.failsafeMode = true;
            s.failsafeSlots = Map.of("cdc", 9000L);
            s.slots = Set.of("cdc");
            s.logicalSlots = Map.of("cdc", cdc(5000));
        }).decide();
        assertThat(d.find(Action.AdvanceSlots.class).orElseThrow().positions()).isEqualTo(Map.of("cdc", 9000L));

        Decision missing = replicaWithCdc().with(s -> {
            s.failsafeMode = true;
            s.failsafeSlots = Map.of("cdc", 9000L);
        }).decide();
        assertThat(missing.find(Action.CopyLogicalSlots.class)).isEmpty();
    }

    @Test
    void withTheDcsDownAReplicaAdvancesToTheFailsafePositionsOnly() {
        Scenario down = replicaWithCdc().with(s -> {
            s.dcsDown = true;
            s.failsafeMode = true;
            s.failsafeSlots = Map.of("cdc", 9000L);
            s.slots = Set.of("cdc");
            s.logicalSlots = Map.of("cdc", cdc(5000));
        });
        Decision d = down.decide();
        assertThat(d.reason()).isEqualTo(Reason.DCS_UNAVAILABLE);
        assertThat(d.actions()).containsExactly(new Action.AdvanceSlots(Map.of("cdc", 9000L)));

        assertThat(down.with(s -> s.failsafeMode = false).decide().actions()).isEmpty();
        assertThat(down.with(s -> {
            s.failsafeMode = true;
            s.failsafeSlots = null;
        }).decide().actions()).isEmpty();
    }

    @Test
    void thePrimaryPublishesItsMatchingPermanentSlotsOnly() {
        Scenario leader = Scenario.leader().with(s -> {
            s.permanentSlots = Map.of(
                    "cdc", CDC.get("cdc"),
                    "other", Map.of("type", "logical", "database", "app", "plugin", "pgoutput"),
                    "phys", Map.of("type", "physical"));
            s.logicalSlots = Map.of("cdc", cdc(7000),
                    "other", new LogicalSlot("other", "test_decoding", "app", 8000, 1),
                    "stray", new LogicalSlot("stray", "test_decoding", "app", 9000, 1));
        });
        assertThat(LogicalSlotRules.published(leader.config(), Tags.NONE, leader.pg())).isEqualTo(Map.of("cdc", 7000L));
        assertThat(LogicalSlotRules.published(leader.config(), new Tags(Map.of("nofailover", true)), leader.pg()))
                .isEmpty(); // as Patroni: a nofailover node has no permanent logical slots to report
        Scenario replica = replicaWithCdc().with(s -> s.logicalSlots = Map.of("cdc", cdc(7000)));
        assertThat(LogicalSlotRules.published(replica.config(), Tags.NONE, replica.pg())).isEmpty();
    }

    @Test
    void hotStandbyFeedbackWhereAPermanentLogicalSlotMayLiveOrACascadeNeedsIt() {
        Scenario s = replicaWithCdc();
        assertThat(LogicalSlotRules.hotStandbyFeedback(s.view(), s.config(), "node1", Tags.NONE, 150004)).isTrue();
        assertThat(LogicalSlotRules.hotStandbyFeedback(s.view(), s.config(), "node1", Tags.NONE, 100012)).isFalse();
        Tags nofailover = new Tags(Map.of("nofailover", true));
        assertThat(LogicalSlotRules.hotStandbyFeedback(s.view(), s.config(), "node1", nofailover, 150004)).isFalse();
        s.member("node3").tags.put("replicatefrom", "node1");
        assertThat(LogicalSlotRules.hotStandbyFeedback(s.view(), s.config(), "node1", nofailover, 150004)).isTrue();
        Scenario none = Scenario.replica();
        assertThat(LogicalSlotRules.hotStandbyFeedback(none.view(), none.config(), "node1", Tags.NONE, 150004)).isFalse();
    }

    @Test
    void theStatusKeyIsWrittenAsPatroni302WritesIt() {
        assertThat(WireValues.statusToJson(new ClusterStatus(67109304L, Map.of(), List.of())))
                .isEqualTo(Map.of("optime", 67109304L));
        // Seen in Consul from real Patroni 3.0.2: {"optime":67109360,"slots":{"dcs_slot_0":67109360}}
        Map<String, Object> withSlots = WireValues.statusToJson(
                new ClusterStatus(67109360L, Map.of("dcs_slot_0", 67109360L), List.of()));
        assertThat(withSlots).containsOnlyKeys("optime", "slots");
        assertThat(WireValues.status(withSlots).slots()).isEqualTo(Map.of("dcs_slot_0", 67109360L));
    }
}
