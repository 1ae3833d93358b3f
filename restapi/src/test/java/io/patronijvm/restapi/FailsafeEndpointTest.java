package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.status.IntentResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec 1.6 POST /failsafe (R42) and spec 6 row 15 (no member allowlist on it). */
class FailsafeEndpointTest {

    private static final String BODY = "{\"name\":\"node2\",\"conn_url\":\"postgres://127.0.0.2:5432/postgres\","
            + "\"api_url\":\"http://127.0.0.2:8008/patroni\",\"slots\":{}}";

    private static Fixtures.Snap replicaWithFailsafe() {
        Fixtures.Snap s = Fixtures.Snap.replica("node1", 1000, true);
        s.config = Fixtures.config(false, false, true);
        return s;
    }

    private static RawHttp.Response post(ServerHarness h, String body) throws Exception {
        return h.http.send("POST", "/failsafe", Map.of("Content-Type", "application/json"), body);
    }

    @Test
    void r42_replicaAcceptsAndCachesTheFailsafePrimary() throws Exception {
        try (ServerHarness h = new ServerHarness(replicaWithFailsafe())) {
            RawHttp.Response r = post(h, BODY);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Accepted");
            assertThat(h.node.failsafeLeaders)
                    .containsExactly("node2 postgres://127.0.0.2:5432/postgres http://127.0.0.2:8008/patroni");
        }
    }

    /** R57: the heartbeat's slot positions reach the loop; values that are not whole numbers are left out. */
    @Test
    void r57_theHeartbeatsSlotPositionsAreHandedOn() throws Exception {
        try (ServerHarness h = new ServerHarness(replicaWithFailsafe())) {
            RawHttp.Response r = post(h, BODY.replace("\"slots\":{}",
                    "\"slots\":{\"dcs_slot_0\":67109360,\"bad\":\"x\",\"half\":1.5}"));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(h.node.failsafeSlots).containsExactly(Map.of("dcs_slot_0", 67109360L));
        }
    }

    @Test
    void r42_runningPrimaryAnswers500RunningAsALeader() throws Exception {
        Fixtures.Snap s = Fixtures.Snap.primary();
        s.config = Fixtures.config(false, false, true);
        try (ServerHarness h = new ServerHarness(s)) {
            RawHttp.Response r = post(h, BODY);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("Running as a leader");
            assertThat(h.node.failsafeLeaders).isEmpty();
        }
    }

    @Test
    void r42_refusalFromTheLoopIs500() throws Exception {
        try (ServerHarness h = new ServerHarness(replicaWithFailsafe())) {
            h.node.failsafeResult = IntentResult.refused("Running as a leader");
            RawHttp.Response r = post(h, BODY);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("Running as a leader");
        }
    }

    @Test
    void failsafeModeOffAnswers502AndCachesNothing() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.replica("node1", 1000, true))) {
            RawHttp.Response r = post(h, BODY);
            assertThat(r.status()).isEqualTo(502);
            assertThat(h.node.failsafeLeaders).isEmpty();
        }
    }

    @Test
    void aBodyWithoutNameIs400NamingTheField() throws Exception {
        try (ServerHarness h = new ServerHarness(replicaWithFailsafe())) {
            RawHttp.Response r = post(h, "{\"api_url\":\"http://127.0.0.2:8008/patroni\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("'name'");
        }
    }

    @Test
    void failsafeIsExemptFromAllowlistIncludeMembers() throws Exception {
        // Members live on 127.0.6.1-3; 127.0.6.77 is not one (its member key may have expired, #3096).
        try (ServerHarness h = new ServerHarness(replicaWithFailsafe(),
                new RestApiConfig("127.0.6.1", 0, "127.0.6.1:8008", null, null, null, null, null, null, "none",
                        List.of(), true, Map.of(), Map.of(), 5), null)) {
            assertThat(postFrom("127.0.6.77", "/reload", "", h)).isEqualTo(403);
            assertThat(postFrom("127.0.6.77", "/failsafe", BODY, h)).isEqualTo(200);
        }
    }

    private static int postFrom(String source, String path, String body, ServerHarness h) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(source, 0));
            s.connect(new java.net.InetSocketAddress("127.0.6.1", h.server.port()), RawHttp.TIMEOUT_MS);
            s.setSoTimeout(RawHttp.TIMEOUT_MS);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(b);
            return RawHttp.parse(s.getInputStream().readAllBytes(), false).status();
        }
    }
}
