package io.patronijvm.agent.ha;

import io.patronijvm.agent.json.PlainJson;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgRunState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec 2.2 and decision 1: the {@code members/<name>} value, byte for byte as Patroni 3.x writes it. */
class MemberDataTest {

    private static LocalPgState pg(boolean running, boolean inRecovery, long current, long received, long replayed,
                                   boolean streaming, boolean pendingRestart) {
        return new LocalPgState(DataDirState.VALID, "7300000000000000001", running,
                running ? PgRunState.RUNNING : PgRunState.STOPPED, running, inRecovery, running ? 2 : 0, current,
                received, replayed, null, false, streaming, null, 0, inRecovery, 150004, null, List.of(), null,
                "in production", true, pendingRestart, null, "");
    }

    @Test
    void primaryGolden() throws Exception {
        Map<String, Object> m = MemberData.of("postgres://127.0.0.11:5432/postgres", "http://127.0.0.11:8008/patroni",
                pg(true, false, 67109016, -1, -1, false, false), Role.PRIMARY, Tags.NONE, false, null);
        assertThat(PlainJson.write(m)).isEqualTo("{\"conn_url\":\"postgres://127.0.0.11:5432/postgres\","
                + "\"api_url\":\"http://127.0.0.11:8008/patroni\",\"state\":\"running\",\"role\":\"master\","
                + "\"version\":\"3.3.1\",\"xlog_location\":67109016,\"timeline\":2}");
    }

    @Test
    void streamingReplicaGolden() throws Exception {
        Map<String, Object> m = MemberData.of("postgres://127.0.0.12:5432/postgres", "http://127.0.0.12:8008/patroni",
                pg(true, true, -1, 500, 420, true, true), Role.REPLICA, new Tags(Map.of("nofailover", true)), true,
                null);
        assertThat(PlainJson.write(m)).isEqualTo("{\"conn_url\":\"postgres://127.0.0.12:5432/postgres\","
                + "\"api_url\":\"http://127.0.0.12:8008/patroni\",\"state\":\"running\",\"role\":\"replica\","
                + "\"version\":\"3.3.1\",\"xlog_location\":500,\"timeline\":2,\"replication_state\":\"streaming\","
                + "\"tags\":{\"nofailover\":true},\"pending_restart\":true,\"pause\":true}");
    }

    @Test
    void replicaWithoutReceiverIsInArchiveRecovery() {
        Map<String, Object> m = MemberData.of("c", "a", pg(true, true, -1, -1, 300, false, false), Role.REPLICA,
                Tags.NONE, false, null);
        assertThat(m).containsEntry("replication_state", "in archive recovery").containsEntry("xlog_location", 300L);
    }

    @Test
    void stoppedPostgresHasNoPositionNoTimelineNoReplicationState() {
        Map<String, Object> m = MemberData.of("c", "a", pg(false, false, -1, -1, -1, false, false), Role.DEMOTED,
                Tags.NONE, false, null);
        assertThat(m).containsEntry("state", "stopped").containsEntry("role", Role.DEMOTED.wire())
                .doesNotContainKeys("xlog_location", "timeline", "replication_state", "tags", "pause",
                        "pending_restart", "checkpoint_after_promote");
    }

    @Test
    void freshLeaderPublishesCheckpointAfterPromote() {
        Map<String, Object> m = MemberData.of("c", "a", pg(true, false, 1, -1, -1, false, false), Role.PRIMARY,
                Tags.NONE, false, false);
        assertThat(m).containsEntry("checkpoint_after_promote", false);
    }

    /** Patroni writes {@code scheduled_restart} with the request's filters and the postmaster start time. */
    @Test
    void scheduledRestartGolden() throws Exception {
        var request = new io.patronijvm.core.status.RestartRequest(
                java.time.OffsetDateTime.parse("2026-12-01T10:05:00Z"), Role.REPLICA, 150006, null, true);
        var intent = new io.patronijvm.core.ha.RestartIntent(request, "2026-12-01 09:00:00.1+00:00");
        Map<String, Object> m = MemberData.of("c", "a", pg(true, true, -1, 500, 420, true, false), Role.REPLICA,
                Tags.NONE, true, null, intent.scheduledView(true));
        assertThat(PlainJson.write(m)).endsWith("\"scheduled_restart\":{\"schedule\":\"2026-12-01T10:05:00+00:00\","
                + "\"role\":\"replica\",\"postgres_version\":\"15.6\",\"restart_pending\":true,"
                + "\"postmaster_start_time\":\"2026-12-01 09:00:00.1+00:00\"},\"pause\":true}");
        assertThat(intent.scheduledView(false)).doesNotContainKey("postmaster_start_time");
        assertThat(new io.patronijvm.core.ha.RestartIntent(new io.patronijvm.core.status.RestartRequest(
                null, null, 0, null, false), null).scheduledView(true)).as("an immediate restart is not shown").isNull();
    }
}
