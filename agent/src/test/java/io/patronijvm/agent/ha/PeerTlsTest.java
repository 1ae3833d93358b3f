package io.patronijvm.agent.ha;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.patronijvm.pem.PemTls;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.time.MonotonicClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent's calls to other members over https, as the suite runs them with TLS: one
 * self-signed certificate (CN=batman.patroni) for server, client and CA, a server that
 * requires a client certificate, and a URL whose host (127.0.0.1) is not the certificate's name.
 */
class PeerTlsTest {

    @TempDir
    Path dir;

    @Test
    void presentsTheClientCertificateAndChecksTheChainButNotTheHostName() throws Exception {
        openssl("req", "-nodes", "-new", "-x509", "-subj", "/CN=batman.patroni", "-keyout", "p.key", "-out", "p.crt");
        String crt = dir.resolve("p.crt").toString();
        String key = dir.resolve("p.key").toString();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(crt, key)) {
            @Override
            public void configure(HttpsParameters params) {
                params.setNeedClientAuth(true);
            }
        });
        server.createContext("/patroni", ex -> {
            byte[] body = ("{\"state\":\"running\",\"role\":\"replica\",\"timeline\":3,"
                    + "\"xlog\":{\"received_location\":77,\"replayed_location\":70}}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/patroni");
            Map<String, Object> viaRestapi = Map.of("restapi", Map.of("certfile", crt, "keyfile", key, "cafile", crt));
            assertThat(get(PeerTls.context(viaRestapi), uri)).isEqualTo(200);
            Map<String, Object> viaCtl = Map.of("ctl", Map.of("certfile", crt, "keyfile", key, "cacert", crt),
                    "restapi", Map.of("certfile", "/nonexistent"));
            assertThat(get(PeerTls.context(viaCtl), uri)).as("ctl.* comes first").isEqualTo(200);
            assertThatThrownBy(() -> get(PeerTls.context(Map.of()), uri)).as("no client certificate: refused")
                    .isInstanceOf(java.io.IOException.class);

            // The agent's own peer client (the leader race) with the same set-up, made on first use.
            Member peer = new Member("node2", null, 0, null, uri.toString(), null, null, null, null, null, null, null,
                    false, false, null, null);
            HttpPeerClient withCert = new HttpPeerClient(Duration.ofSeconds(5), MonotonicClock.SYSTEM, null, null,
                    PeerTls.onDemand(viaRestapi));
            PeerStatus seen = withCert.probe(List.of(peer), Duration.ofSeconds(10)).get("node2");
            assertThat(seen.reachable()).as("chain checked, host name not").isTrue();
            assertThat(seen.walPosition()).isEqualTo(77);
            assertThat(seen.timeline()).isEqualTo(3);
            HttpPeerClient noCert = new HttpPeerClient(Duration.ofSeconds(5), MonotonicClock.SYSTEM, null, null,
                    PeerTls.onDemand(Map.of()));
            assertThat(noCert.probe(List.of(peer), Duration.ofSeconds(10)).get("node2").reachable())
                    .as("the server demands a client certificate").isFalse();
        } finally {
            server.stop(0);
        }
    }

    private static int get(SSLContext tls, URI uri) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private static SSLContext serverContext(String crt, String key) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(PemTls.keyStore("ctl", crt, key, null), PemTls.STORE_PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(PemTls.trustStore("ctl.cacert", crt));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
