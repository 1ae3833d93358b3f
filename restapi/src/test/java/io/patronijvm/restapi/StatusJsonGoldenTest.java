package io.patronijvm.restapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden shapes of {@code GET /patroni}, {@code /cluster}, {@code /history} and {@code /metrics}:
 * what patronictl 3.0.2 ({@code version}, {@code reinit --wait}, {@code list}) and peers in the
 * leader race (R23: xlog required) read.
 */
class StatusJsonGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void primaryStatusHasTheFieldsPeersAndPatronictlRead() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary().tags(Map.of("zone", "a")))) {
            RawHttp.Response r = h.http.get("/patroni");
            assertThat(r.status()).isEqualTo(200);
            JsonNode b = JSON.readTree(r.body());
            assertThat(iterable(b)).containsExactly("state", "postmaster_start_time", "role", "server_version",
                    "xlog", "timeline", "replication", "dcs_last_seen", "tags", "database_system_identifier",
                    "patroni", "implementation");
            assertThat(b.get("state").asText()).isEqualTo("running");
            assertThat(b.get("role").asText()).isEqualTo("master");
            assertThat(b.get("server_version").asInt()).isEqualTo(150004);
            assertThat(b.get("xlog").get("location").asLong()).isEqualTo(Fixtures.LEADER_LSN);
            assertThat(b.get("timeline").asInt()).isEqualTo(1);
            assertThat(b.get("replication").get(0).get("application_name").asText()).isEqualTo("node2");
            assertThat(iterable(b.get("replication").get(0))).containsExactly("usename", "application_name",
                    "client_addr", "state", "sync_state", "sync_priority");
            assertThat(b.get("dcs_last_seen").asLong()).isEqualTo(1767225600L);
            assertThat(b.get("patroni").get("version").asText()).isEqualTo("3.3.1");
            assertThat(b.get("patroni").get("scope").asText()).isEqualTo("batman");
            assertThat(b.get("patroni").get("name").asText()).isEqualTo("node1");
            assertThat(b.get("implementation").asText()).startsWith("patroni-jvm ");
            assertThat(b.get("database_system_identifier").asText()).isEqualTo("7312345678901234567");
        }
    }

    @Test
    void replicaStatusReportsReceiveAndReplayPositions() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", 1234, true))) {
            JsonNode x = JSON.readTree(h.http.get("/patroni").body()).get("xlog");
            assertThat(iterable(x)).containsExactly("received_location", "replayed_location", "replayed_timestamp",
                    "paused");
            assertThat(x.get("received_location").asLong()).isEqualTo(1234);
            assertThat(x.get("paused").asBoolean()).isFalse();
        }
    }

    @Test
    void optionalFlagsAppearOnlyWhenTrue() throws Exception {
        Fixtures.Snap snap = Fixtures.Snap.primary().paused();
        snap.watchdogFailed = true;
        snap.failsafe = true;
        snap.scheduledRestart = Map.of("schedule", "2099-01-01T00:00:00+00:00");
        snap.pg = Fixtures.pg(io.patronijvm.core.pg.PgRunState.RUNNING, true, false, 5, -1, -1, false, List.of());
        snap.pg = new io.patronijvm.core.pg.LocalPgState(snap.pg.dataDir(), snap.pg.sysid(), true, snap.pg.runState(),
                true, false, 2, 5, -1, -1, null, false, false, null, 0, false, 150004, "t", List.of(), null, null, true,
                true, Map.of("max_connections", List.of("100", "200")), "");
        try (ServerHarness h = new ServerHarness(snap)) {
            JsonNode b = JSON.readTree(h.http.get("/patroni").body());
            assertThat(b.get("pause").asBoolean()).isTrue();
            assertThat(b.get("watchdog_failed").asBoolean()).isTrue();
            assertThat(b.get("failsafe_mode_is_active").asBoolean()).isTrue();
            assertThat(b.get("pending_restart").asBoolean()).isTrue();
            assertThat(b.get("pending_restart_reason").get("max_connections").get("new_value").asText()).isEqualTo("200");
            assertThat(b.get("scheduled_restart").get("schedule").asText()).startsWith("2099");
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            JsonNode b = JSON.readTree(h.http.get("/patroni").body());
            for (String absent : List.of("pause", "watchdog_failed", "failsafe_mode_is_active", "pending_restart",
                    "cluster_unlocked", "sync_standby", "scheduled_restart", "tags")) {
                assertThat(b.has(absent)).as(absent).isFalse();
            }
        }
    }

    @Test
    void clusterListsMembersLikePatronictlList() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            JsonNode c = JSON.readTree(h.http.get("/cluster").body());
            JsonNode m = c.get("members");
            assertThat(m).hasSize(3);
            assertThat(m.get(0).get("role").asText()).isEqualTo("leader");
            assertThat(m.get(0).has("lag")).isFalse();
            assertThat(m.get(0).get("state").asText()).isEqualTo("running");
            assertThat(m.get(1).get("state").asText()).isEqualTo("streaming");
            assertThat(m.get(1).get("host").asText()).isEqualTo("127.0.6.2");
            assertThat(m.get(1).get("port").asInt()).isEqualTo(5432);
            assertThat(m.get(1).get("api_url").asText()).isEqualTo("http://127.0.6.2:8008/patroni");
            assertThat(m.get(1).get("lag").asLong()).isZero();
            assertThat(m.get(2).get("lag").asLong()).isEqualTo(1_000_000);
            assertThat(c.get("scope").asText()).isEqualTo("batman");
            assertThat(h.dcs.loads.get()).isEqualTo(1); // fresh read, not the snapshot's view
        }
    }

    @Test
    void historyIsAListOfLines() throws Exception {
        Fixtures.Snap snap = Fixtures.Snap.primary();
        ClusterViewBuilder b = new ClusterViewBuilder(snap.cluster);
        snap.cluster = b.withHistory(List.of(
                new io.patronijvm.core.model.HistoryEntry(1, 25_165_984, "no recovery target specified",
                        "2026-01-01T00:00:00+00:00", "node2")));
        try (ServerHarness h = new ServerHarness(snap)) {
            JsonNode hist = JSON.readTree(h.http.get("/history").body());
            assertThat(hist.toString()).isEqualTo(
                    "[[1,25165984,\"no recovery target specified\",\"2026-01-01T00:00:00+00:00\",\"node2\"]]");
        }
    }

    @Test
    void metricsUsePatroniNamesWithScopeAndNameLabels() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            RawHttp.Response r = h.http.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain");
            String text = r.body();
            String labels = "{name=\"node1\",scope=\"batman\"}";
            assertThat(text).contains("patroni_version" + labels + " 30301.0")
                    .contains("patroni_postgres_running" + labels + " 1.0")
                    .contains("patroni_primary" + labels + " 1.0")
                    .contains("patroni_master" + labels + " 1.0")
                    .contains("patroni_replica" + labels + " 0.0")
                    .contains("patroni_xlog_location" + labels + " 5.0331648E7")
                    .contains("patroni_postgres_server_version" + labels + " 150004.0")
                    .contains("patroni_postgres_timeline" + labels + " 1.0")
                    .contains("patroni_dcs_last_seen" + labels + " 1.7672256E9")
                    .contains("patroni_postmaster_start_time" + labels + " 1.767225600123456E9")
                    .contains("patroni_cluster_unlocked" + labels + " 0.0")
                    .contains("patroni_is_paused" + labels + " 0.0");
            for (String name : List.of("patroni_standby_leader", "patroni_sync_standby",
                    "patroni_xlog_received_location", "patroni_xlog_replayed_location",
                    "patroni_xlog_replayed_timestamp", "patroni_xlog_paused", "patroni_postgres_streaming",
                    "patroni_postgres_in_archive_recovery", "patroni_failsafe_mode_is_active",
                    "patroni_pending_restart")) {
                assertThat(text).contains("# TYPE " + name + " gauge");
            }
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", 4096, true))) {
            String text = h.http.get("/metrics").body();
            assertThat(text).contains("patroni_replica{name=\"node2\",scope=\"batman\"} 1.0")
                    .contains("patroni_postgres_streaming{name=\"node2\",scope=\"batman\"} 1.0")
                    .contains("patroni_xlog_replayed_location{name=\"node2\",scope=\"batman\"} 4096.0")
                    .contains("patroni_xlog_replayed_timestamp{name=\"node2\",scope=\"batman\"} 1.7672256005E9");
        }
    }

    private static List<String> iterable(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Small helper to vary one part of a view. */
    record ClusterViewBuilder(io.patronijvm.core.model.ClusterView v) {
        io.patronijvm.core.model.ClusterView withHistory(List<io.patronijvm.core.model.HistoryEntry> h) {
            return new io.patronijvm.core.model.ClusterView(v.initialize(), v.config(), v.leader(), v.members(),
                    v.failover(), v.sync(), h, 1, v.status(), v.failsafe(), v.index());
        }
    }
}
