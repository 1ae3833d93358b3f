package io.patronijvm.restapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.status.IntentResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec 1.6: validation order, status codes and Patroni's messages of the unsafe endpoints. */
class ManagementEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RawHttp.Response post(ServerHarness h, String path, String body) throws Exception {
        return h.http.send("POST", path, Map.of("Content-Type", "application/json"), body);
    }

    @Test
    void immediateSwitchoverWritesTheFailoverKeyAndReportsTheNewLeader() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            // The "loop": two polls after the request, node2 holds the leader key.
            int[] polls = {0};
            h.dcs.onLoad = v -> v.failover() != null && ++polls[0] >= 2
                    ? FakeDcs.with(v, v.config(), null, new Leader("node2", "sess-node2", 9)) : v;
            RawHttp.Response r = post(h, "/switchover", "{\"leader\":\"node1\",\"candidate\":\"node2\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Successfully switched over to \"node2\"");
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(h.node.wakeUps.get()).isPositive();
        }
    }

    @Test
    void switchoverToAnotherMemberThanRequestedSaysSo() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            h.dcs.onLoad = v -> v.failover() != null
                    ? FakeDcs.with(v, v.config(), null, new Leader("node3", "s", 9)) : v;
            RawHttp.Response r = post(h, "/failover", "{\"candidate\":\"node2\"}");
            assertThat(r.body()).isEqualTo("Failed over to \"node3\" instead of \"node2\"");
            assertThat(r.status()).isEqualTo(200);
        }
    }

    @Test
    void switchoverFailsWhenTheKeyDisappearsWithoutLeaderChangeAndTimesOutOtherwise() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            h.dcs.onLoad = v -> v.failover() != null ? FakeDcs.with(v, v.config(), null, v.leader()) : v;
            RawHttp.Response r = post(h, "/switchover", "{\"leader\":\"node1\"}");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("Switchover failed");
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            long before = h.clock.nanoTime();
            RawHttp.Response r = post(h, "/switchover", "{\"leader\":\"node1\"}");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("Switchover status unknown");
            // Patroni's 2 * max(10, loop_wait) seconds, polled once a second (fake time).
            assertThat(Duration.ofNanos(h.clock.nanoTime() - before)).isEqualTo(Duration.ofSeconds(20));
            assertThat(h.dcs.loads.get()).isBetween(20, 22);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "/failover|{\"leader\":\"node1\"}|400|Failover could be performed only to a specific candidate",
        "/switchover|{\"candidate\":\"node2\"}|400|Switchover could be performed only from a specific leader",
        "/failover|{\"candidate\":\"node2\",\"scheduled_at\":\"2099-01-01T00:00:00+00:00\"}|400|Failover can't be scheduled",
        "/switchover|{\"leader\":\"node1\",\"scheduled_at\":\"2099-01-01T00:00:00\"}|400|Timezone information is mandatory for the scheduled switchover",
        "/switchover|{\"leader\":\"node1\",\"scheduled_at\":\"2001-01-01T00:00:00+00:00\"}|422|Cannot schedule switchover in the past",
        "/switchover|{\"leader\":\"node1\",\"scheduled_at\":\"next tuesday\"}|422|Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601",
        "/switchover|{\"leader\":\"node1\",\"candidate\":\"node1\"}|400|Switchover target and source are the same",
        "/switchover|{\"leader\":\"node9\",\"candidate\":\"node2\"}|412|leader name does not match",
        "/switchover|{\"leader\":\"node1\",\"candidate\":\"node7\"}|412|candidate does not exists",
        "/switchover|{\"leader\":\"node1\",\"candidate\":\"node4\"}|412|switchover is not possible: no good candidates have been found",
        "/switchover|{\"leader\":1}|400|Bad request: 'leader' must be a string",
        "/switchover|[1,2]|400|Bad request: body must be a JSON object",
        "/switchover|{}|400|Bad request: empty JSON object",
        "/switchover|{bad json|400|Bad request: body is not valid JSON",
        "/switchover|{\"leader\":\"node1\",\"leader\":\"node2\"}|400|Bad request: body is not valid JSON",
        "/switchover|{\"leader\":\"node1\"} {}|400|Bad request: body is not valid JSON",
    })
    void switchoverValidation(String path, String body, int code, String message) throws Exception {
        Fixtures.Snap snap = Fixtures.Snap.primary();
        snap.cluster = Fixtures.view("node1", false, null,
                Fixtures.member("node1", "127.0.6.1", "running", Role.PRIMARY, 1L, Tags.NONE),
                Fixtures.member("node2", "127.0.6.2", "running", Role.REPLICA, 1L, Tags.NONE),
                Fixtures.member("node4", "127.0.6.4", "stopped", Role.REPLICA, 1L, Tags.NONE));
        try (ServerHarness h = new ServerHarness(snap)) {
            RawHttp.Response r = post(h, path, body);
            assertThat(r.status()).as(r.toString()).isEqualTo(code);
            assertThat(r.body()).isEqualTo(message);
            assertThat(h.dcs.view.get().failover()).isNull();
        }
    }

    @Test
    void bodiesNestedDeeperThan64LevelsAreRefused() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            String deep = "{\"leader\":\"node1\",\"x\":" + "[".repeat(64) + "]".repeat(64) + "}";
            RawHttp.Response r = post(h, "/switchover", deep);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("Bad request: body is not valid JSON");
            String allowed = "{\"leader\":\"node1\",\"x\":" + "[".repeat(62) + "]".repeat(62) + "}";
            assertThat(post(h, "/switchover", allowed).body()).isNotEqualTo("Bad request: body is not valid JSON");
        }
    }

    @Test
    void pausedClusterRefusesSchedulesAndCandidateLessSwitchovers() throws Exception {
        Fixtures.Snap snap = Fixtures.Snap.primary().paused();
        snap.cluster = Fixtures.view("node1", true, null, Fixtures.threeNodes().members()
                .toArray(new io.patronijvm.core.model.Member[0]));
        try (ServerHarness h = new ServerHarness(snap)) {
            assertThat(post(h, "/switchover", "{\"leader\":\"node1\",\"scheduled_at\":\"2099-01-01T00:00+00:00\"}")
                    .body()).isEqualTo("Can't schedule switchover in the paused state");
            assertThat(post(h, "/switchover", "{\"leader\":\"node1\"}").body())
                    .isEqualTo("Switchover is possible only to a specific candidate in a paused state");
            RawHttp.Response r = post(h, "/restart", "{\"schedule\":\"2099-01-01T00:00+00:00\"}");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("Can't schedule restart in the paused state");
        }
    }

    @Test
    void scheduledSwitchoverIsAcceptedAndCanBeDeletedWithCas() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            RawHttp.Response r = post(h, "/switchover",
                    "{\"leader\":\"node1\",\"candidate\":\"node2\",\"scheduled_at\":\"2099-01-01T10:00:00+02:00\"}");
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.body()).isEqualTo("Switchover scheduled");
            assertThat(h.dcs.view.get().failover().candidate()).isEqualTo("node2");
            JsonNode cluster = JSON.readTree(h.http.get("/cluster").body());
            assertThat(cluster.get("scheduled_switchover").get("from").asText()).isEqualTo("node1");
            assertThat(cluster.get("scheduled_switchover").get("to").asText()).isEqualTo("node2");
            RawHttp.Response del = h.http.send("DELETE", "/switchover", Map.of(), null);
            assertThat(del.status()).isEqualTo(200);
            assertThat(del.body()).isEqualTo("scheduled switchover deleted");
            assertThat(h.dcs.view.get().failover()).isNull();
            RawHttp.Response again = h.http.send("DELETE", "/switchover", Map.of(), null);
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.body()).isEqualTo("no switchover is scheduled");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"role\":\"standby\"}|400|PostgreSQL role should be either primary or replica",
        "{\"postgres_version\":\"9.6\"}|400|Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: 9.6",
        "{\"postgres_version\":\"a.b.c\"}|400|Invalid PostgreSQL version: a.b.c",
        "{\"timeout\":0}|400|Timeout should be a positive number of seconds",
        "{\"timeout\":\"soon\"}|400|Timeout should be a positive number of seconds",
        "{\"reboot\":true}|400|Unknown filter for the scheduled restart: reboot",
        "{\"schedule\":\"2001-01-01T00:00:00Z\"}|422|Cannot schedule restart in the past",
        "{\"schedule\":\"2099-01-01 00:00\"}|400|Timezone information is mandatory for the scheduled restart",
        "{\"schedule\":42}|422|Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601",
        "{\"role\":\"master\",\"postgres_version\":\"16.1\",\"timeout\":\"30s\",\"restart_pending\":true}|200|restarted successfully",
        "{\"role\":\"primary\"}|200|restarted successfully",
        "{\"schedule\":\"2099-01-01T00:00:00+00:00\"}|202|Restart scheduled",
    })
    void restartValidation(String body, int code, String message) throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            RawHttp.Response r = post(h, "/restart", body);
            assertThat(r.status()).as(r.toString()).isEqualTo(code);
            assertThat(r.body()).isEqualTo(message);
            assertThat(h.node.restarts).hasSize(code < 300 ? 1 : 0);
        }
    }

    @Test
    void restartPassesFiltersToTheLoopAndMapsItsAnswer() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            assertThat(post(h, "/restart", "{\"role\":\"master\",\"postgres_version\":\"15.4\",\"timeout\":45}")
                    .status()).isEqualTo(200);
            var req = h.node.restarts.get(0);
            assertThat(req.role()).isEqualTo(Role.PRIMARY);
            assertThat(req.postgresVersion()).isEqualTo(150004);
            assertThat(req.timeout()).isEqualTo(Duration.ofSeconds(45));
            h.node.restartResult = IntentResult.refused("restart conditions are not satisfied");
            RawHttp.Response r = h.http.send("POST", "/restart", Map.of(), null); // no body: optional
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("restart conditions are not satisfied");
            h.node.scheduleResult = new IntentResult(IntentResult.Kind.CONFLICT, "x");
            r = post(h, "/restart", "{\"schedule\":\"2099-01-01T00:00:00+00:00\"}");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.body()).isEqualTo("Another restart is already scheduled");
        }
    }

    @Test
    void deleteRestartReloadAndReinitialize() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", 1, true))) {
            RawHttp.Response r = h.http.send("DELETE", "/restart", Map.of(), null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("scheduled restart deleted");
            h.node.cancelResult = IntentResult.refused("none");
            r = h.http.send("DELETE", "/restart", Map.of(), null);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("no restarts are scheduled");
            r = h.http.send("POST", "/reload", Map.of(), null);
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.body()).isEqualTo("reload scheduled");
            r = post(h, "/reinitialize", "{\"force\":true,\"from_leader\":\"yes\"}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("reinitialize started");
            assertThat(h.node.reinits).containsExactly("force=true fromLeader=true");
            h.node.reinitResult = IntentResult.refused("I am the leader, can not reinitialize");
            r = h.http.send("POST", "/reinitialize", Map.of("Content-Length", "0"), "");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("I am the leader, can not reinitialize");
        }
    }

    @Test
    void patchConfigMergesRecursivelyDeletesNullsAndUsesCas() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            RawHttp.Response r = h.http.send("PATCH", "/config", Map.of(),
                    "{\"pause\":true,\"postgresql\":{\"parameters\":{\"work_mem\":\"8MB\"}},\"loop_wait\":null}");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode data = JSON.readTree(r.body());
            assertThat(data.get("pause").asBoolean()).isTrue();
            assertThat(data.get("postgresql").get("parameters").get("work_mem").asText()).isEqualTo("8MB");
            assertThat(data.has("loop_wait")).isFalse();
            assertThat(h.dcs.view.get().config().data()).containsEntry("pause", true).doesNotContainKey("loop_wait");
            assertThat(h.dcs.view.get().config().version()).isEqualTo(12);
            r = h.http.send("PATCH", "/config", Map.of(), "{\"pause\":null}");
            assertThat(JSON.readTree(r.body()).has("pause")).isFalse();
        }
    }

    @Test
    void patchConfigAnswers409WhenTheConfigChangedUnderneathAnd503WithoutConfig() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            // Someone else writes between our read and our CAS write.
            ClusterView before = h.dcs.view.get();
            h.dcs.afterLoad = () -> h.dcs.view.updateAndGet(v -> FakeDcs.with(v,
                    new io.patronijvm.core.model.ClusterConfig(v.config().data(), 99), null, v.leader()));
            RawHttp.Response r = h.http.send("PATCH", "/config", Map.of(), "{\"ttl\":40}");
            assertThat(r.status()).as(r.toString()).isEqualTo(409);
            assertThat(before.config().version()).isEqualTo(11);
        }
        Fixtures.Snap snap = Fixtures.Snap.primary();
        snap.cluster = new ClusterView("1", null, null, null, null, null, null, 0, null, null, 1);
        try (ServerHarness h = new ServerHarness(snap)) {
            assertThat(h.http.send("PATCH", "/config", Map.of(), "{\"ttl\":40}").status()).isEqualTo(503);
            assertThat(h.http.get("/config").status()).isEqualTo(502);
        }
    }

    @Test
    void putConfigReplacesTheWholeConfig() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            RawHttp.Response r = h.http.send("PUT", "/config", Map.of(), "{\"ttl\":40,\"loop_wait\":5}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(h.dcs.view.get().config().data()).isEqualTo(Map.of("ttl", 40, "loop_wait", 5));
            assertThat(JSON.readTree(h.http.get("/config").body()).get("ttl").asInt()).isEqualTo(40);
        }
    }

    @Test
    void bodyRulesLengthRequiredTooLargeAndChunked() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            assertThat(h.http.send("PATCH", "/config", Map.of(), null).status()).isEqualTo(411);
            assertThat(h.http.send("POST", "/switchover", Map.of("Transfer-Encoding", "chunked"),
                    "5\r\n{\"a\":\r\n0\r\n\r\n").status()).isEqualTo(411);
            String huge = "{\"x\":\"" + "a".repeat(70_000) + "\"}";
            assertThat(h.http.send("PATCH", "/config", Map.of(), huge).status()).isEqualTo(413);
            assertThat(h.http.send("POST", "/nosuch", Map.of(), "{}").status()).isEqualTo(404);
            assertThat(h.http.send("DELETE", "/config", Map.of(), null).status()).isEqualTo(405);
        }
    }
}
