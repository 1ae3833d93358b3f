package io.patronijvm.restapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.status.HaEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: the status page's assets, {@code GET /events}, {@code GET /patroni-jvm} (lease,
 * replication lag in time) and {@code GET /ui/api/cluster} (the members' answers merged by the
 * answering agent), on a real server with a real peer server.
 */
class StatusPageEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HaEvent FAILOVER = new HaEvent(Instant.parse("2026-01-01T00:00:05Z"), "node1", "failover",
            "PROMOTED_BY_ACQUIRING_LOCK", "promoted self to leader by acquiring session lock", 2);

    @Test
    void servesThePageFromTheJarWithoutRemoteAssets() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            RawHttp.Response r = h.http.get("/ui");
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.header("Location")).isEqualTo("ui/");
            r = h.http.get("/ui/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.header("Content-Security-Policy")).contains("default-src 'self'");
            assertThat(r.body()).contains("src=\"app.js\"").contains("href=\"app.css\"").doesNotContain("http");
            assertThat(h.http.get("/ui/app.js").header("Content-Type")).startsWith("text/javascript");
            assertThat(h.http.get("/ui/app.js").body()).contains("api/cluster");
            assertThat(h.http.get("/ui/app.css").status()).isEqualTo(200);
            assertThat(h.http.get("/ui/nope").status()).isEqualTo(404);
        }
    }

    @Test
    void eventsAreServedAsJson() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            h.node.events = List.of(FAILOVER);
            JsonNode e = JSON.readTree(h.http.get("/events").body());
            assertThat(e.isArray()).isTrue();
            assertThat(e.get(0).get("time").asText()).isEqualTo("2026-01-01T00:00:05Z");
            assertThat(e.get(0).get("member").asText()).isEqualTo("node1");
            assertThat(e.get(0).get("kind").asText()).isEqualTo("failover");
            assertThat(e.get(0).get("reason").asText()).isEqualTo("PROMOTED_BY_ACQUIRING_LOCK");
            assertThat(e.get(0).get("timeline").asInt()).isEqualTo(2);
        }
    }

    /** Fixture: lease ends 10 s from now; ttl 30 gives a 13.5 s provable lease, so the renewal started 3.5 s ago. */
    @Test
    void theLeaderPublishesItsProvableLeaseAndReplayLag() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            JsonNode x = JSON.readTree(h.http.get("/patroni-jvm").body());
            JsonNode lease = x.get("lease");
            assertThat(lease.get("holder").asBoolean()).isTrue();
            assertThat(lease.get("valid_for_ms").asLong()).isEqualTo(10_000);
            assertThat(lease.get("provable_lease_ms").asLong()).isEqualTo(13_500);
            assertThat(lease.get("last_renewal_ms_ago").asLong()).isEqualTo(3_500);
            assertThat(Instant.parse(lease.get("last_renewal").asText()))
                    .isEqualTo(h.clock.wallNow().minusMillis(3_500));
            assertThat(x.get("replication").get(0).get("application_name").asText()).isEqualTo("node2");
            assertThat(x.get("replication").get(0).get("replay_lag_ms").asLong()).isEqualTo(-1);
            assertThat(x.get("replication").get(0).has("client_addr")).isFalse();
            assertThat(x.get("implementation").asText()).startsWith("patroni-jvm");
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node2", 1234, true))) {
            JsonNode lease = JSON.readTree(h.http.get("/patroni-jvm").body()).get("lease");
            assertThat(lease.get("holder").asBoolean()).isFalse();
            assertThat(lease.has("valid_for_ms")).isFalse();
        }
    }

    @Test
    void clusterCallMergesWhatEachMemberAnsweredAndMarksTheSilentOne() throws Exception {
        try (ServerHarness peer = new ServerHarness(Fixtures.Snap.replica("node2", 1234, true))) {
            peer.node.events = List.of(new HaEvent(Instant.parse("2026-01-01T00:00:07Z"), "node2", "role",
                    "uninitialized -> replica", "started", 1));
            Fixtures.Snap snap = Fixtures.Snap.primary();
            // node3's port 1 refuses connections: a member that does not answer.
            snap.cluster = Fixtures.view("node1", false, null,
                    member("node1", "http://127.0.0.1:8008/patroni", Role.PRIMARY),
                    member("node2", "http://127.0.0.1:" + peer.server.port() + "/patroni", Role.REPLICA),
                    member("node3", "http://127.0.0.1:1/patroni", Role.REPLICA));
            try (ServerHarness h = new ServerHarness(snap)) {
                h.node.events = List.of(FAILOVER);
                RawHttp.Response r = h.http.get("/ui/api/cluster");
                assertThat(r.status()).isEqualTo(200);
                JsonNode b = JSON.readTree(r.body());
                assertThat(b.get("answered_by").asText()).isEqualTo("node1");
                assertThat(b.get("cluster").get("members")).hasSize(3);
                assertThat(b.get("history").isArray()).isTrue();
                JsonNode m = b.get("members");
                assertThat(m.get("node1").get("answering").asBoolean()).isTrue();
                assertThat(m.get("node1").get("extension").get("lease").get("holder").asBoolean()).isTrue();
                assertThat(m.get("node1").get("extension").get("events").get(0).get("kind").asText()).isEqualTo("failover");
                assertThat(m.get("node2").get("answering").asBoolean()).as(m.toString()).isTrue();
                assertThat(m.get("node2").get("status").get("role").asText()).isEqualTo("replica");
                assertThat(m.get("node2").get("status").get("implementation").asText()).startsWith("patroni-jvm");
                assertThat(m.get("node2").get("extension").get("events").get(0).get("member").asText()).isEqualTo("node2");
                assertThat(m.get("node3").get("answering").asBoolean()).isFalse();
                assertThat(m.get("node3").get("error").asText()).isNotBlank();
                // Nothing beyond what /cluster shows: no replication user names or addresses, no sysid.
                for (String name : List.of("node1", "node2")) {
                    JsonNode st = m.get(name).get("status");
                    assertThat(st.has("replication")).as(name).isFalse();
                    assertThat(st.has("database_system_identifier")).as(name).isFalse();
                }
                assertThat(r.body()).doesNotContain("replicator").doesNotContain("127.0.6.2");
            }
        }
    }

    @Test
    void thePageFollowsTheAllowlistWhileSafeEndpointsStayOpen() throws Exception {
        RestApiConfig config = new RestApiConfig("127.0.0.1", 0, "127.0.0.1:8008", "admin", "pw", null, null, null,
                null, "none", List.of("10.0.0.0/8"), false, Map.of(), Map.of(), 5);
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), config, null)) {
            assertThat(h.http.get("/ui/").status()).isEqualTo(403);
            assertThat(h.http.get("/ui/api/cluster").status()).isEqualTo(403);
            assertThat(h.http.get("/events").status()).isEqualTo(200);
            assertThat(h.http.get("/patroni-jvm").status()).isEqualTo(200);
        }
        RestApiConfig open = new RestApiConfig("127.0.0.1", 0, "127.0.0.1:8008", "admin", "pw", null, null, null,
                null, "none", List.of("127.0.0.1"), false, Map.of(), Map.of(), 5);
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), open, null)) {
            // Basic authentication guards changes; the read-only page does not ask for it.
            assertThat(h.http.get("/ui/").status()).isEqualTo(200);
        }
    }

    private static Member member(String name, String apiUrl, Role role) {
        return new Member(name, "sess-" + name, 7, "postgres://127.0.0.1:5432/postgres", apiUrl, "running", role,
                "3.3.1", Fixtures.LEADER_LSN, 1, role == Role.REPLICA ? "streaming" : null, Tags.NONE, false, false,
                null, Map.of());
    }
}
