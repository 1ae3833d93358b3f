package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec 1.2: allowlist, then basic auth, only on unsafe endpoints; extra headers. */
class SecurityTest {

    private static RestApiConfig config(String user, String pass, List<String> allowlist, boolean members) {
        return new RestApiConfig("127.0.0.1", 0, "127.0.0.1:8008", user, pass, null, null, null, null, "none",
                allowlist, members, Map.of("X-Frame-Options", "DENY"), Map.of("Strict-Transport-Security", "x"), 5);
    }

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unsafeEndpointsNeedBasicAuthAndSafeOnesDoNot() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(),
                config("admin", "s3cr3t", List.of(), false), null)) {
            RawHttp.Response r = h.http.send("POST", "/reload", Map.of(), null);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Basic realm=\"Patroni\"");
            assertThat(r.body()).isEqualTo("no auth header received");
            r = h.http.send("POST", "/reload", Map.of("Authorization", basic("admin:wrong")), null);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo("not authenticated");
            r = h.http.send("POST", "/reload", Map.of("Authorization", "Bearer abc"), null);
            assertThat(r.status()).isEqualTo(401);
            r = h.http.send("POST", "/reload", Map.of("Authorization", basic("admin:s3cr3t")), null);
            assertThat(r.status()).isEqualTo(202);
            // Auth is checked before the body is even looked at.
            assertThat(h.http.send("PATCH", "/config", Map.of(), "{broken").status()).isEqualTo(401);
            assertThat(h.http.get("/primary").status()).isEqualTo(200);
            assertThat(h.http.get("/patroni").status()).isEqualTo(200);
            assertThat(h.http.get("/patroni").header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(h.http.get("/patroni").header("Strict-Transport-Security")).isNull();
            assertThat(h.node.restarts).isEmpty();
        }
    }

    @Test
    void allowlistRefusesOtherAddressesWith403BeforeAuth() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(),
                config("admin", "s3cr3t", List.of("10.0.0.0/8", "127.0.6.9"), false), null)) {
            RawHttp.Response r = h.http.send("POST", "/restart", Map.of("Authorization", basic("admin:s3cr3t")), null);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).isEqualTo("Access is denied");
            assertThat(h.http.get("/primary").status()).isEqualTo(200);
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(),
                config(null, null, List.of("127.0.0.0/24"), false), null)) {
            assertThat(h.http.send("POST", "/reload", Map.of(), null).status()).isEqualTo(202);
        }
    }

    @Test
    void allowlistIncludeMembersAdmitsMemberApiHostsOnly() throws Exception {
        // Members live on 127.0.6.1-3; the client connects from 127.0.6.2 (a member) or 127.0.6.77 (not).
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(),
                new RestApiConfig("127.0.6.1", 0, "127.0.6.1:8008", null, null, null, null, null, null, "none",
                        List.of(), true, Map.of(), Map.of(), 5), null)) {
            assertThat(postFrom("127.0.6.2", h)).isEqualTo(202);
            assertThat(postFrom("127.0.6.77", h)).isEqualTo(403);
        }
    }

    private static int postFrom(String source, ServerHarness h) throws Exception {
        try (java.net.Socket s = new java.net.Socket()) {
            s.bind(new java.net.InetSocketAddress(source, 0));
            s.connect(new java.net.InetSocketAddress("127.0.6.1", h.server.port()), RawHttp.TIMEOUT_MS);
            s.setSoTimeout(RawHttp.TIMEOUT_MS);
            s.getOutputStream().write("POST /reload HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return RawHttp.parse(s.getInputStream().readAllBytes(), false).status();
        }
    }
}
