package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.pg.conf.ConnInfo;
import io.patronijvm.pg.conf.ToolOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts: slot names (R55), pg_controldata, timeline history and the R37 decision, tool options. */
class PureRulesTest {

    @ParameterizedTest
    @CsvSource({
            "node1, node1",
            "Node-1.dc, node_1_dc",
            "a b, au0032b",
            "x+y, xu0043y"})
    void slotNameFollowsR55(String member, String slot) {
        assertThat(SlotNames.forMember(member)).isEqualTo(slot);
    }

    @Test
    void slotNameIsTruncatedTo63() {
        assertThat(SlotNames.forMember("n".repeat(100))).hasSize(63);
    }

    @Test
    void parsesControlData() {
        ControlData cd = ControlData.parse("""
                pg_control version number:            1300
                Database system identifier:           7312345678901234567
                Database cluster state:               in production
                Latest checkpoint location:           0/3000060
                Latest checkpoint's TimeLineID:       2
                Minimum recovery ending location:     0/0
                Min recovery ending loc's timeline:   0
                wal_log_hints setting:                off
                max_connections setting:              100
                Data page checksum version:           1
                """);
        assertThat(cd.sysid()).isEqualTo("7312345678901234567");
        assertThat(cd.uncleanShutdown()).isTrue();
        assertThat(cd.checkpointLsn()).isEqualTo(0x3000060L);
        assertThat(cd.checkpointTimeline()).isEqualTo(2);
        assertThat(cd.rewindPossible()).as("checksums on (R36)").isTrue();
        assertThat(cd.intSetting("max_connections setting")).isEqualTo(100);
    }

    @Test
    void rewindImpossibleWithoutHintsOrChecksums() {
        ControlData cd = ControlData.parse("wal_log_hints setting: off\nData page checksum version: 0\n");
        assertThat(cd.rewindPossible()).isFalse();
    }

    @Test
    void lsnRoundTrips() {
        assertThat(Lsn.parse("1/A0")).isEqualTo((1L << 32) + 0xA0);
        assertThat(Lsn.format(Lsn.parse("16/B374D848"))).isEqualTo("16/B374D848");
        assertThatThrownBy(() -> Lsn.parse("garbage")).hasMessageContaining("garbage");
    }

    private static final String HISTORY = "1\t0/5000000\tno recovery target specified\n\n2\t0/7000000\tx\n";

    /**
     * R37 ({@code _check_timeline_and_lsn}). A former primary's position is its last checkpoint
     * record: no rewind only when that record ENDS exactly at the switch point (a clean hand-over,
     * where the new timeline starts right after our shutdown checkpoint). Issue 12 defect 3: the
     * check of the record's end was missing, and a checkpoint before the switch counted as fine.
     */
    @ParameterizedTest(name = "[{index}] local tl {0} lsn {1} replica {2} checkpoint end {3}, leader tl {4} -> {5}")
    @CsvSource({
            "3, 0/1000000, true, -, 2, NEEDED",                // ahead of the leader's timeline
            "2, 0/9000000, true, -, 2, NOT_NEEDED",            // same timeline
            "1, 0/4000000, true, -, 3, NOT_NEEDED",            // replica replayed before the switch
            "1, 0/5000000, true, -, 3, NOT_NEEDED",            // replica exactly at the switch
            "1, 0/5000001, true, -, 3, NEEDED",                // replica replayed past the switch
            "1, 0/5000000, false, 0/5000072, 3, NEEDED",       // former primary with checkpoint at the switch
            "1, 0/4FFFF88, false, 0/5000000, 3, NOT_NEEDED",   // its shutdown checkpoint ends at the switch
            "1, 0/4FFFF00, false, 0/4FFFF78, 3, NEEDED",       // checkpoint ends before the switch: WAL after it
            "1, 0/4FFFF88, false, 0/5000010, 3, NEEDED",       // checkpoint ends past the switch
            "1, 0/4FFFF88, false, -, 3, NEEDED",               // end unknown (pg_waldump failed): rewind to be safe
            "4, 0/1, false, -, 5, NEEDED"})                    // our timeline is not in the leader's history
    void divergenceDecisionFollowsR37(int tl, String lsn, boolean replica, String checkpointEnd, int leaderTl,
                                      RewindVerdict expected) throws Exception {
        long end = "-".equals(checkpointEnd) ? -1 : Lsn.parse(checkpointEnd);
        RewindVerdict v = Rewinder.decide(new Rewinder.LocalPosition(tl, Lsn.parse(lsn), replica, end), leaderTl,
                () -> HISTORY);
        assertThat(v).isEqualTo(expected);
    }

    /** pg_waldump 15's answer for two records from a shutdown checkpoint that is the last record. */
    @Test
    void checkpointEndIsWherePgWaldumpFindsNoNextRecord() {
        List<String> out = List.of("rmgr: XLOG        len (rec/tot):    114/   114, tx:          0, lsn: 0/01500718, "
                        + "prev 0/015006D0, desc: CHECKPOINT_SHUTDOWN redo 0/1500718; tli 1; prev tli 1; shutdown",
                "pg_waldump: error: error in WAL record at 0/1500718: invalid record length at 0/1500790: "
                        + "wanted 24, got 0");
        assertThat(WalDump.recordEnd(out, Lsn.parse("0/1500718"))).hasValue(Lsn.parse("0/1500790"));
        assertThat(WalDump.recordEnd(out, Lsn.parse("0/1500720"))).as("another record").isEmpty();
        assertThat(WalDump.recordEnd(List.of("pg_waldump: error: could not find file \"000000010000000000000001\""),
                Lsn.parse("0/1500718"))).isEmpty();
    }

    @Test
    void rendersInitdbOptionsAsPatroniDoes() throws PgException {
        assertThat(ToolOptions.render("bootstrap.initdb", List.of("data-checksums", Map.of("encoding", "UTF8")),
                ToolOptions.INITDB_FORBIDDEN)).containsExactly("--data-checksums", "--encoding=UTF8");
    }

    @ParameterizedTest
    @CsvSource({"pgdata", "nosync", "pwfile", "sync-only", "version"})
    void refusesForbiddenInitdbOptions(String option) {
        assertThatThrownBy(() -> ToolOptions.render("bootstrap.initdb", List.of(Map.of(option, "x")),
                ToolOptions.INITDB_FORBIDDEN)).isInstanceOf(PgException.class)
                .hasMessageContaining("bootstrap.initdb").hasMessageContaining("'" + option + "'");
    }

    @Test
    void refusesForbiddenBasebackupOptionInAMap() {
        assertThatThrownBy(() -> ToolOptions.render("postgresql.basebackup", Map.of("wal-method", "fetch"),
                ToolOptions.BASEBACKUP_FORBIDDEN)).hasMessageContaining("wal-method");
    }

    @Test
    void conninfoQuotesAndParsesBack() {
        String s = ConnInfo.format(new java.util.LinkedHashMap<>(Map.of("host", "10.0.0.1", "passfile", "/a b/c'd")));
        assertThat(ConnInfo.parse(s)).containsEntry("host", "10.0.0.1").containsEntry("passfile", "/a b/c'd");
        assertThat(ConnInfo.fromConnUrl("postgres://[::1]:5433/postgres")).isEqualTo(new ConnInfo.HostPort("::1", 5433));
        // The seed's member names (an underscore): Patroni clones from them, so do we.
        assertThat(ConnInfo.fromConnUrl("postgres://member_1:5432/postgres"))
                .isEqualTo(new ConnInfo.HostPort("member_1", 5432));
    }
}
