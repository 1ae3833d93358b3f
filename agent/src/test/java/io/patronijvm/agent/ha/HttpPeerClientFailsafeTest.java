package io.patronijvm.agent.ha;

import com.sun.net.httpserver.HttpServer;
import io.patronijvm.core.time.MonotonicClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** R41 over real HTTP on loopback: POST /failsafe to every member, one retry, all must answer 200. */
class HttpPeerClientFailsafeTest {

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final HttpPeerClient client = new HttpPeerClient(Duration.ofSeconds(1), MonotonicClock.SYSTEM);

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void failsafeUriReplacesTheLastPathSegment() {
        assertThat(HttpPeerClient.failsafeUri("http://127.0.0.2:8008/patroni"))
                .isEqualTo(URI.create("http://127.0.0.2:8008/failsafe"));
        assertThat(HttpPeerClient.failsafeUri("https://127.0.0.2:8008"))
                .isEqualTo(URI.create("https://127.0.0.2:8008/failsafe"));
    }

    @Test
    void r41_confirmedOnlyWhenEveryMemberAnswers200() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        String ok = server(200, bodies, new AtomicInteger());
        String refusing = server(500, bodies, new AtomicInteger());
        Map<String, Object> body = Map.of("name", "node1");
        assertThat(client.confirmFailsafe(Map.of("node2", ok, "node3", ok), body, Duration.ofSeconds(2))).isTrue();
        assertThat(bodies).hasSize(2).allSatisfy(b -> assertThat(b).contains("\"name\":\"node1\""));
        assertThat(client.confirmFailsafe(Map.of("node2", ok, "node3", refusing), body, Duration.ofSeconds(2)))
                .isFalse();
        assertThat(client.confirmFailsafe(Map.of("node2", "http://127.0.0.1:1/patroni"), body,
                Duration.ofSeconds(2))).as("unreachable").isFalse();
        assertThat(client.confirmFailsafe(Map.of(), body, Duration.ofSeconds(2))).as("single node").isTrue();
    }

    @Test
    void r41_retriesOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String flaky = server(-1, new CopyOnWriteArrayList<>(), calls);
        assertThat(client.confirmFailsafe(Map.of("node2", flaky), Map.of("name", "node1"), Duration.ofSeconds(2)))
                .isTrue();
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void r41_sendsTheRestApiCredentialsBecausePeersProtectPostFailsafe() throws Exception {
        List<String> auth = new CopyOnWriteArrayList<>();
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/failsafe", ex -> {
            String a = ex.getRequestHeaders().getFirst("Authorization");
            auth.add(String.valueOf(a));
            ex.sendResponseHeaders("Basic dXNlcm5hbWU6cGFzc3dvcmQ=".equals(a) ? 200 : 401, -1);
            ex.close();
        });
        s.start();
        servers.add(s);
        String api = "http://127.0.0.1:" + s.getAddress().getPort() + "/patroni";
        HttpPeerClient withAuth = new HttpPeerClient(Duration.ofSeconds(1), MonotonicClock.SYSTEM, "username",
                "password");
        assertThat(withAuth.confirmFailsafe(Map.of("node2", api), Map.of("name", "node1"), Duration.ofSeconds(2)))
                .isTrue();
        assertThat(client.confirmFailsafe(Map.of("node2", api), Map.of("name", "node1"), Duration.ofSeconds(2)))
                .as("without credentials the peer answers 401").isFalse();
        assertThat(auth).first().isEqualTo("Basic dXNlcm5hbWU6cGFzc3dvcmQ=");
    }

    /** A /failsafe endpoint answering {@code status}; -1 answers 503 first, then 200. */
    private String server(int status, List<String> bodies, AtomicInteger calls) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/failsafe", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int n = calls.incrementAndGet();
            int code = status == -1 ? (n == 1 ? 503 : 200) : status;
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        s.start();
        servers.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort() + "/patroni";
    }
}
