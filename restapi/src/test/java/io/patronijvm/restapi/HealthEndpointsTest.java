package io.patronijvm.restapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.core.pg.PgRunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec 1.1 and 1.4 over real HTTP: one server per scenario, snapshots per role. */
class HealthEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Integer> codes(ServerHarness h, String method) throws Exception {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (String path : RestApiServer.healthPaths()) {
            out.put(path, h.http.send(method, path, Map.of(), null).status());
        }
        return out;
    }

    @Test
    void primaryHoldingTheLeaseIsHealthyOnPrimaryPathsOnly() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            Map<String, Integer> get = codes(h, "GET");
            assertThat(get).containsEntry("/", 200).containsEntry("/primary", 200).containsEntry("/master", 200)
                    .containsEntry("/read-write", 200).containsEntry("/leader", 200).containsEntry("/read-only", 200)
                    .containsEntry("/health", 200).containsEntry("/read-only-sync", 200)
                    .containsEntry("/replica", 503).containsEntry("/standby-leader", 503)
                    .containsEntry("/standby_leader", 503).containsEntry("/sync", 503).containsEntry("/async", 503);
            assertThat(codes(h, "HEAD")).isEqualTo(get);
            assertThat(codes(h, "OPTIONS")).isEqualTo(get);
        }
    }

    @Test
    void decision3PrimaryWhoseLeaseRanOutAnswers503WhileTheSnapshotIsUnchanged() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            var before = h.snapshot();
            assertThat(h.http.get("/primary").status()).isEqualTo(200);
            h.clock.advance(Duration.ofSeconds(10)); // exactly leaseValidUntil: no longer provable
            assertThat(h.snapshot()).isSameAs(before);
            assertThat(h.http.get("/primary").status()).isEqualTo(503);
            assertThat(h.http.send("OPTIONS", "/", Map.of(), null).status()).isEqualTo(503);
            assertThat(h.http.send("HEAD", "/leader", Map.of(), null).status()).isEqualTo(503);
            assertThat(h.http.get("/read-write").status()).isEqualTo(503);
            assertThat(h.http.get("/health").status()).isEqualTo(200); // PostgreSQL itself still runs
        }
    }

    @Test
    void aReplicasPrimaryCheckIsAnsweredWithoutALiveObservationItsReplicaCheckWithTheLightOne() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true))) {
            int before = h.node.liveReads.get();
            for (String path : List.of("/", "/primary", "/master", "/read-write")) {
                assertThat(h.http.send("OPTIONS", path, Map.of(), null).status()).as(path).isEqualTo(503);
                assertThat(h.http.send("HEAD", path, Map.of(), null).status()).as(path).isEqualTo(503);
            }
            assertThat(h.node.liveReads.get()).isEqualTo(before);
            assertThat(h.node.healthReads.get()).isZero();
            for (String path : List.of("/replica", "/read-only", "/health", "/async", "/replica?lag=1MB")) {
                assertThat(h.http.send("OPTIONS", path, Map.of(), null).status()).as(path).isEqualTo(200);
                assertThat(h.http.send("HEAD", path, Map.of(), null).status()).as(path).isEqualTo(200);
            }
            assertThat(h.node.healthReads.get()).as("HEAD/OPTIONS replica checks: the light renewal").isEqualTo(10);
            assertThat(h.node.liveReads.get()).as("and never the full observation").isEqualTo(before);
            assertThat(h.http.send("GET", "/replica", Map.of(), null).status()).isEqualTo(200);
            assertThat(h.node.liveReads.get()).as("GET's body shows everything: the full observation")
                    .isGreaterThan(before);
        }
    }

    @Test
    void streamingReplicaIsHealthyOnReplicaPathsAndReportsReplicaXlog() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true))) {
            Map<String, Integer> get = codes(h, "GET");
            assertThat(get).containsEntry("/replica", 200).containsEntry("/read-only", 200)
                    .containsEntry("/async", 200).containsEntry("/asynchronous", 200).containsEntry("/health", 200)
                    .containsEntry("/primary", 503).containsEntry("/", 503).containsEntry("/leader", 503)
                    .containsEntry("/sync", 503).containsEntry("/read-only-sync", 503);
            assertThat(codes(h, "OPTIONS")).isEqualTo(get);
            JsonNode body = JSON.readTree(h.http.get("/replica").body());
            assertThat(body.get("role").asText()).isEqualTo("replica");
            assertThat(body.get("replication_state").asText()).isEqualTo("streaming");
            assertThat(body.get("xlog").get("replayed_location").asLong()).isEqualTo(Fixtures.LEADER_LSN);
            assertThat(body.has("cluster_unlocked")).isFalse();
        }
    }

    @ParameterizedTest(name = "lag={0}")
    @ValueSource(strings = {"1000000", "900kB", "976kB", "999999B", "0.9MB"})
    void laggingReplicaFailsReplicaCheckWhenLagLimitIsBelowItsLag(String lag) throws Exception {
        // Replayed 1_000_001 bytes behind the leader's optime.
        try (ServerHarness h = new ServerHarness(
                Fixtures.Snap.replica("node3", Fixtures.LEADER_LSN - 1_000_001, true))) {
            assertThat(h.http.get("/replica").status()).isEqualTo(200);
            assertThat(h.http.get("/replica?lag=" + lag).status()).isEqualTo(503);
            assertThat(h.http.get("/read-only?lag=" + lag).status()).isEqualTo(503);
            assertThat(h.http.send("HEAD", "/replica?lag=" + lag, Map.of(), null).status()).isEqualTo(503);
        }
    }

    @ParameterizedTest(name = "lag={0}")
    @ValueSource(strings = {"2MB", "1GB", "1TB", "1000002", "", "abc", "10parsecs", "1e999999999", "-"})
    void laggingReplicaPassesWithALargerOrInvalidLagLimit(String lag) throws Exception {
        try (ServerHarness h = new ServerHarness(
                Fixtures.Snap.replica("node3", Fixtures.LEADER_LSN - 1_000_001, true))) {
            assertThat(h.http.get("/replica?lag=" + lag).status()).as("lag=%s", lag).isEqualTo(200);
        }
    }

    @Test
    void tagFiltersApplyToReplicaChecksAndAreIgnoredForPrimaryChecks() throws Exception {
        Fixtures.Snap replica = Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true)
                .tags(Map.of("zone", "a", "nofailover", true));
        try (ServerHarness h = new ServerHarness(replica)) {
            assertThat(h.http.get("/replica?tag_zone=a").status()).isEqualTo(200);
            assertThat(h.http.get("/replica?tag_zone=b").status()).isEqualTo(503);
            assertThat(h.http.get("/replica?tag_nofailover=true").status()).isEqualTo(200);
            assertThat(h.http.get("/replica?tag_missing=x").status()).isEqualTo(503);
            assertThat(h.http.get("/health?tag_zone=b").status()).isEqualTo(503);
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary().tags(Map.of("zone", "a")))) {
            assertThat(h.http.get("/primary?tag_zone=b").status()).isEqualTo(200);
            assertThat(h.http.get("/read-only?tag_zone=b").status()).isEqualTo(503);
        }
    }

    @Test
    void noloadbalanceTagTakesAReplicaOutOfTheReplicaPool() throws Exception {
        try (ServerHarness h = new ServerHarness(
                Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true).tags(Map.of("noloadbalance", true)))) {
            assertThat(h.http.get("/replica").status()).isEqualTo(503);
            assertThat(h.http.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void stoppedPostgresFailsEveryCheckButReportsItsState() throws Exception {
        Fixtures.Snap snap = Fixtures.Snap.replica("node2", 0, false);
        snap.pg = Fixtures.stoppedPg();
        try (ServerHarness h = new ServerHarness(snap)) {
            assertThat(codes(h, "GET").values()).containsOnly(503);
            JsonNode body = JSON.readTree(h.http.get("/health").body());
            assertThat(body.get("state").asText()).isEqualTo(PgRunState.STOPPED.wire());
            assertThat(body.get("role").asText()).isEqualTo("replica");
            assertThat(body.has("xlog")).isFalse();
        }
    }

    @Test
    void pausedPrimaryWithoutAFreshDcsViewIsJudgedByItsPostgresRole() throws Exception {
        Fixtures.Snap snap = Fixtures.Snap.primary().paused();
        snap.holdsLock = false;
        snap.clusterAge = Duration.ofSeconds(60); // older than ttl: no DCS view
        try (ServerHarness h = new ServerHarness(snap)) {
            assertThat(h.http.get("/primary").status()).isEqualTo(200);
            assertThat(h.http.get("/leader").status()).isEqualTo(200);
            assertThat(h.http.get("/standby-leader").status()).isEqualTo(503);
            JsonNode body = JSON.readTree(h.http.get("/primary").body());
            assertThat(body.get("pause").asBoolean()).isTrue();
            assertThat(body.get("cluster_unlocked").asBoolean()).isTrue();
        }
        Fixtures.Snap unpaused = Fixtures.Snap.primary();
        unpaused.holdsLock = false;
        unpaused.clusterAge = Duration.ofSeconds(60);
        try (ServerHarness h = new ServerHarness(unpaused)) {
            assertThat(h.http.get("/primary").status()).isEqualTo(503);
        }
    }

    @Test
    void syncStandbyAnswersSyncChecksAndNotAsync() throws Exception {
        Fixtures.Snap snap = Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true);
        snap.config = Fixtures.config(false, true, false);
        snap.cluster = Fixtures.view("node1", false,
                new io.patronijvm.core.model.SyncState("node1", java.util.Set.of("node2"), 4),
                Fixtures.threeNodes().members().toArray(new io.patronijvm.core.model.Member[0]));
        try (ServerHarness h = new ServerHarness(snap)) {
            assertThat(h.http.get("/sync").status()).isEqualTo(200);
            assertThat(h.http.get("/synchronous").status()).isEqualTo(200);
            assertThat(h.http.get("/read-only-sync").status()).isEqualTo(200);
            assertThat(h.http.get("/read-only-synchronous").status()).isEqualTo(200);
            assertThat(h.http.get("/async").status()).isEqualTo(503);
            assertThat(JSON.readTree(h.http.get("/sync").body()).get("sync_standby").asBoolean()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/primaryx", "/replica/extra", "/foo", "/masters", "/read-only-quorum", "/xleader"})
    void decision5PathsAreMatchedExactlyAndUnknownGetsAnswer503WithStatusBody(String path) throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            RawHttp.Response r = h.http.get(path);
            assertThat(r.status()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).get("role").asText()).isEqualTo("master");
        }
    }

    @Test
    void decision5HeadAndOptionsAnswerStatusOnlyWithZeroContentLength() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            for (String method : List.of("HEAD", "OPTIONS")) {
                byte[] raw = h.http.exchange((method + " / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                RawHttp.Response r = RawHttp.parse(raw, false);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Content-Length")).isEqualTo("0");
                assertThat(r.body()).isEmpty();
            }
            RawHttp.Response get = h.http.get("/primary");
            assertThat(get.header("Content-Length")).isEqualTo(Integer.toString(get.body().getBytes().length));
            assertThat(get.header("Content-Type")).startsWith("application/json");
        }
    }

    @Test
    void livenessFollowsTheLoopScheduleAndHeadBehavesLikeGet() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            // next run due in 10 s; primary tolerance ttl = 30 s.
            assertThat(h.http.get("/liveness").status()).isEqualTo(200);
            assertThat(h.http.send("HEAD", "/liveness", Map.of(), null).status()).isEqualTo(200);
            h.clock.advance(Duration.ofSeconds(39));
            assertThat(h.http.get("/liveness").status()).isEqualTo(200);
            h.clock.advance(Duration.ofSeconds(2));
            assertThat(h.http.get("/liveness").status()).isEqualTo(503);
            assertThat(h.http.send("HEAD", "/liveness", Map.of(), null).status()).isEqualTo(503);
            assertThat(h.http.get("/liveness").body()).isEmpty();
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true))) {
            h.clock.advance(Duration.ofSeconds(69)); // replicas get 2 x ttl
            assertThat(h.http.get("/liveness").status()).isEqualTo(200);
            h.clock.advance(Duration.ofSeconds(2));
            assertThat(h.http.get("/liveness").status()).isEqualTo(503);
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary().paused())) {
            h.clock.advance(Duration.ofHours(1));
            assertThat(h.http.get("/liveness").status()).isEqualTo(200);
        }
    }

    @Test
    void readinessNeedsTheLeaseOrRunningPostgresWithAFreshDcsView() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true))) {
            assertThat(h.http.get("/readiness").status()).isEqualTo(200);
            h.clock.advance(Duration.ofSeconds(31)); // the view is older than ttl now
            assertThat(h.http.get("/readiness").status()).isEqualTo(503);
            assertThat(h.http.send("HEAD", "/readiness", Map.of(), null).status()).isEqualTo(503);
        }
        Fixtures.Snap stopped = Fixtures.Snap.replica("node2", 0, false);
        stopped.pg = Fixtures.stoppedPg();
        try (ServerHarness h = new ServerHarness(stopped)) {
            assertThat(h.http.get("/readiness").status()).isEqualTo(503);
        }
    }
}
