package io.patronijvm.restapi;

import io.patronijvm.pem.PemTls;

import io.patronijvm.core.config.RestApiConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spec 1.1/1.2 TLS: PEM certificate and key (plain or encrypted), verify_client none/optional/required. */
class TlsTest {

    private static final int HANDSHAKE_LIMIT_MS =
            (int) io.patronijvm.testkit.TimingMultiple.scaled(java.time.Duration.ofSeconds(30)).toMillis();

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        String san = "subjectAltName=IP:127.0.0.1";
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=test-ca");
        for (String who : List.of("server", "client")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr",
                    "-subj", "/CN=127.0.0.1", "-addext", san);
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".crt", "-days", "2", "-copy_extensions", "copy");
        }
        openssl("pkcs8", "-topk8", "-in", "server.key", "-out", "server-enc.key", "-v2", "aes-256-cbc",
                "-passout", "pass:hunter2");
        openssl("rsa", "-in", "server.key", "-out", "server-rsa.key", "-traditional");
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl timed out: " + cmd);
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
    }

    private static RestApiConfig tls(String key, String password, String verify) {
        return new RestApiConfig("127.0.0.1", 0, "127.0.0.1:8008", null, null, dir.resolve("server.crt").toString(),
                dir.resolve(key).toString(), password, dir.resolve("ca.crt").toString(), verify, List.of(), false,
                Map.of("X-Both", "1"), Map.of("Strict-Transport-Security", "max-age=1"), 5);
    }

    private static RawHttp client(ServerHarness h, boolean withClientCert) throws Exception {
        KeyStore trust = PemTls.trustStore("restapi.cafile", dir.resolve("ca.crt").toString());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCert) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(PemTls.keyStore("restapi", dir.resolve("client.crt").toString(), dir.resolve("client.key").toString(),
                    null), PemTls.STORE_PASSWORD);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        // A cold JVM's first RSA handshakes take seconds on a loaded machine: a limit that only a
        // hung server reaches (scaled by the slow-machine knob), not the plain-HTTP default.
        return new RawHttp("127.0.0.1", h.server.port(), ctx.getSocketFactory(), HANDSHAKE_LIMIT_MS);
    }

    @Test
    void verifyClientNoneServesHttpsWithExtraHeadersAndAnEncryptedKey() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), tls("server-enc.key", "hunter2", "none"),
                null)) {
            RawHttp.Response r = client(h, false).get("/patroni");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Strict-Transport-Security")).isEqualTo("max-age=1");
            assertThat(r.header("X-Both")).isEqualTo("1");
            assertThat(client(h, false).send("POST", "/reload", Map.of(), null).status()).isEqualTo(202);
        }
    }

    @Test
    void verifyClientOptionalDemandsACertificateOnlyOnUnsafeEndpoints() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), tls("server-rsa.key", null, "optional"),
                null)) {
            assertThat(client(h, false).get("/primary").status()).isEqualTo(200);
            RawHttp.Response r = client(h, false).send("POST", "/reload", Map.of(), null);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).isEqualTo("client certificate required");
            assertThat(client(h, true).send("POST", "/reload", Map.of(), null).status()).isEqualTo(202);
        }
    }

    @Test
    void verifyClientRequiredRefusesTheHandshakeWithoutACertificate() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), tls("server.key", null, "required"),
                null)) {
            assertThatThrownBy(() -> client(h, false).get("/primary")).isInstanceOf(IOException.class);
            assertThat(client(h, true).get("/primary").status()).isEqualTo(200);
            assertThat(client(h, true).send("POST", "/reload", Map.of(), null).status()).isEqualTo(202);
        }
    }

    @Test
    void badTlsFilesFailAtStartNamingTheFile() {
        RestApiConfig bad = new RestApiConfig("127.0.0.1", 0, "x", null, null, dir.resolve("missing.crt").toString(),
                null, null, null, "none", List.of(), false, Map.of(), Map.of(), 5);
        assertThatThrownBy(() -> new ServerHarness(Fixtures.Snap.primary(), bad, null))
                .hasMessageContaining("missing.crt");
        RestApiConfig noPassword = tls("server-enc.key", null, "none");
        assertThatThrownBy(() -> new ServerHarness(Fixtures.Snap.primary(), noPassword, null))
                .hasMessageContaining("keyfile_password");
    }
}
