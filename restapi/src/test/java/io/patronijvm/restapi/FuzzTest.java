package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few thousand malformed or hostile requests (seeded, so a failure reproduces): random
 * methods, paths, headers, bodies and credentials, plus raw broken HTTP. No answer may be a 5xx
 * the spec does not demand, no body may carry a stack trace, and the server must still answer
 * health checks quickly afterwards.
 */
class FuzzTest {

    private static final double TIMING = io.patronijvm.testkit.TimingMultiple.value();
    private static final long SEED = Long.getLong("fuzz.seed", 20260101L);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);

    private static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE",
            "TRACE", "FOO", "get", "CONNECT", "PROPFIND");
    private static final List<String> PATHS = List.of("/", "/primary", "/master", "/replica", "/read-only", "/leader",
            "/standby-leader", "/health", "/sync", "/async", "/read-only-sync", "/liveness", "/readiness", "/patroni",
            "/cluster", "/history", "/config", "/metrics", "/failsafe", "/switchover", "/failover", "/restart",
            "/reload", "/reinitialize", "/sigterm", "/citus", "/%00", "/..%2f..%2fetc/passwd", "//primary",
            "/primary/", "/replica?lag=%ff%fe", "/replica?lag=1e99999999999", "/replica?tag_=&tag_x", "/x?y",
            "/" + "a".repeat(3000), "/\u00e9t\u00e9", "/replica?lag=-1", "/replica?lag=1.5.5GB", "/;jsessionid=1",
            "/config?x=%", "*");
    private static final List<String> BODIES = List.of("", "{", "}", "null", "[]", "[1,2]", "\"s\"", "1e999999",
            "{\"leader\":1}", "{\"leader\":\"node1\"}", "{\"leader\":\"node1\",\"candidate\":\"node2\"}",
            "{\"candidate\":{\"a\":1}}", "{\"leader\":\"node1\",\"scheduled_at\":[]}",
            "{\"leader\":\"node1\",\"scheduled_at\":\"9999-99-99T99:99:99+99:99\"}",
            "{\"schedule\":\"2099-01-01T00:00:00+00:00\",\"role\":null}", "{\"timeout\":-1e308}",
            "{\"timeout\":\"99999999999999999999s\"}", "{\"postgres_version\":\"99999999999999999999.1\"}",
            "{\"postgres_version\":[1]}", "{\"force\":{}}", "{\"pause\":true}", "{\"ttl\":null,\"a\":{\"b\":null}}",
            "{\"a\":1,\"a\":2}", "[".repeat(5000) + "]".repeat(5000), "{\"x\":\"" + "\\u0000".repeat(100) + "\"}",
            "\u0000\u0001\u0002", "{\"restart_pending\":\"maybe\"}", "{\"schedule\":\"2099-01-01 00:00:00\"}",
            "{\"name\":\"x\"}");

    @Test
    void hostileRequestsNeverCauseUnexpected5xxOrStackTraces() throws Exception {
        Random rnd = new Random(SEED);
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(),
                new RestApiConfig("127.0.0.1", 0, "127.0.0.1:8008", "admin", "pw", null, null, null, null, "none",
                        List.of(), false, Map.of(), Map.of(), 5), null)) {
            Map<Integer, Integer> seen = new java.util.TreeMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                Attempt a = i % 10 == 9 ? rawGarbage(rnd) : randomRequest(rnd);
                RawHttp.Response r;
                try {
                    r = RawHttp.parse(h.http.exchange(a.bytes()), a.method().equals("HEAD"));
                } catch (IllegalStateException | IOException e) {
                    continue; // the server closed without answering: acceptable for broken HTTP
                }
                seen.merge(r.status(), 1, Integer::sum);
                assertThat(allowed(a, r.status())).as("#%d %s -> %s", i, a.describe(), r).isTrue();
                // The JDK server names the check that refused a malformed head ("NumberFormatException
                // thrown"); a trace or an exception's message would show as "Exception:" or a frame.
                assertThat(r.body()).as("#%d %s", i, a.describe()).doesNotContain("Exception:").doesNotContain("\tat ")
                        .doesNotContain("java.");
            }
            System.out.println("fuzz status histogram (seed " + SEED + "): " + seen);
            assertThat(seen.keySet()).contains(200, 400, 401, 404);
            long start = System.nanoTime();
            assertThat(h.http.send("OPTIONS", "/", Map.of(), null).status()).isIn(200, 503);
            assertThat(h.http.get("/patroni").status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis((long) (1000 * TIMING)));
        }
    }

    @Test
    void halfOpenConnectionsDoNotStarveHealthChecks() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary())) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", h.server.port()), RawHttp.TIMEOUT_MS);
                    s.getOutputStream().write("GET /primary HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    idle.add(s);
                }
                long start = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    assertThat(h.http.send("OPTIONS", "/", Map.of(), null).status()).isEqualTo(200);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis((long) (2000 * TIMING)));
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    record Attempt(String method, String path, Map<String, String> headers, String body, byte[] raw) {
        byte[] bytes() {
            if (raw != null) {
                return raw;
            }
            StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
            headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            sb.append("\r\n").append(body);
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        String describe() {
            if (raw != null) {
                String s = new String(raw, StandardCharsets.ISO_8859_1);
                return "raw:" + s.substring(0, Math.min(80, s.length()));
            }
            return method + " " + (path.length() > 80 ? path.substring(0, 80) + "..." : path) + " " + headers + " "
                    + (body.length() > 80 ? body.substring(0, 80) + "..." : body);
        }
    }

    private static Attempt randomRequest(Random rnd) {
        String method = pick(rnd, METHODS);
        String path = pick(rnd, PATHS);
        String body = rnd.nextInt(3) == 0 ? "" : pick(rnd, BODIES);
        Map<String, String> headers = new LinkedHashMap<>();
        switch (rnd.nextInt(6)) {
            case 0 -> headers.put("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)));
            case 1 -> headers.put("Authorization", pick(rnd, List.of("Basic", "Basic !!!", "Basic YWRtaW46",
                    "Digest x", "Basic " + "A".repeat(4000))));
            default -> {
                // No credentials.
            }
        }
        int len = body.getBytes(StandardCharsets.UTF_8).length;
        switch (rnd.nextInt(8)) {
            case 0 -> { /* no Content-Length */ }
            case 1 -> headers.put("Content-Length", pick(rnd, List.of("-1", "abc", "99999999999999999999", "0",
                    Integer.toString(len + 5), "1, 2")));
            case 2 -> headers.put("Transfer-Encoding", pick(rnd, List.of("chunked", "gzip", "identity")));
            default -> headers.put("Content-Length", Integer.toString(len));
        }
        if (headers.get("Content-Length") != null && !headers.get("Content-Length").equals(Integer.toString(len))) {
            // A lying Content-Length would make the server wait for the idle timeout; send what it says
            // when shorter, and never promise more than we send.
            String cl = headers.get("Content-Length");
            if (cl.matches("\\d{1,6}") && Integer.parseInt(cl) > len) {
                headers.put("Content-Length", Integer.toString(len));
            }
        }
        if (rnd.nextInt(10) == 0) {
            headers.put("Content-Type", pick(rnd, List.of("text/plain", "application/json; charset=utf-7", "\u00ff")));
        }
        if (rnd.nextInt(20) == 0) {
            headers.put("X-Big", "b".repeat(9000));
        }
        return new Attempt(method, path, headers, body, null);
    }

    private static Attempt rawGarbage(Random rnd) {
        List<String> variants = List.of("GET /\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "\r\n\r\n", "GARBAGE",
                "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\n",
                "POST /reload HTTP/1.0\r\n\r\n", "GET /primary HTTP/1.0\r\n\r\n",
                "GET " + "/x".repeat(10000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        byte[] raw;
        if (rnd.nextBoolean()) {
            raw = pick(rnd, variants).getBytes(StandardCharsets.ISO_8859_1);
        } else {
            raw = new byte[rnd.nextInt(512) + 1];
            rnd.nextBytes(raw);
        }
        return new Attempt("RAW", "", Map.of(), "", raw);
    }

    private static final Set<String> DCS_READ_503 = Set.of("cluster", "history", "config", "switchover", "failover",
            "restart", "reinitialize");

    /** The 5xx the spec demands; everything else must be below 500. */
    private static boolean allowed(Attempt a, int status) {
        if (status < 500) {
            return true;
        }
        if (a.raw() != null) {
            // An unsupported HTTP version is the protocol's own answer; a well-formed GET on a long
            // unknown path gets spec 1.1's 503 with the status body, as Patroni answers it.
            return status == 505 || status == 503
                    && new String(a.raw(), java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("GET /x/x");
        }
        String te = a.headers().get("Transfer-Encoding");
        if (status == 501 && te != null && !te.equalsIgnoreCase("chunked")) {
            return true; // RFC 9112 6.1: a transfer coding the server does not implement
        }
        String path = a.path().contains("?") ? a.path().substring(0, a.path().indexOf('?')) : a.path();
        String segment = Router.segment(path);
        boolean read = a.method().equals("GET") || a.method().equals("HEAD") || a.method().equals("OPTIONS");
        if (status == 503) {
            return read || DCS_READ_503.contains(segment);
        }
        if (status == 502) {
            return segment.equals("config") || segment.equals("failsafe");
        }
        return false;
    }

    private static <T> T pick(Random rnd, List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }
}
