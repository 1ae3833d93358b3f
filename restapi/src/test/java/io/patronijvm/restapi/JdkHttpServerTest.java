package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.model.ClusterView;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the server adapter itself promises: keep-alive, the request cap, the port's life, query decoding. */
class JdkHttpServerTest {

    @Test
    void oneKeptAliveConnectionCarriesSeveralRequests() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary());
             Socket s = connect(h.server.port())) {
            for (String path : List.of("/patroni", "/primary", "/replica", "/patroni")) {
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                RawHttp.Response r = readOne(s.getInputStream());
                assertThat(r.status()).as(path).isEqualTo(path.equals("/replica") ? 503 : 200);
                assertThat(r.body()).as(path).startsWith("{\"state\":\"running\"");
            }
            s.getOutputStream().write("OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response options = readOne(s.getInputStream());
            assertThat(options.status()).isEqualTo(200);
            assertThat(options.header("Content-Length")).isEqualTo("0");
        }
    }

    @Test
    void requestsBeyondTheCapAreRefusedAndTheSlotComesBack() throws Exception {
        FakeNode node = new FakeNode(new io.patronijvm.testkit.FakeClock());
        node.snapshot.set(Fixtures.Snap.primary().build((io.patronijvm.testkit.FakeClock) node.clock()));
        RestApiOptions one = new RestApiOptions(null, io.patronijvm.core.time.Sleeper.SYSTEM,
                java.time.Duration.ofSeconds(1), null, java.time.Duration.ofSeconds(1), 1);
        try (RestApiServer server = new RestApiServer(RestApiConfig.plain("127.0.0.1", 0), Fixtures.SCOPE, "node1",
                node, new FakeDcs(ClusterView.EMPTY), null, one)) {
            server.start();
            RawHttp http = new RawHttp("127.0.0.1", server.port());
            try (Socket holder = connect(server.port())) {
                // Half a request head: it occupies the only slot until it completes.
                holder.getOutputStream().write("GET /patroni HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> refused(http));
                holder.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readOne(holder.getInputStream()).status()).isEqualTo(200);
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(http.get("/patroni").status()).isEqualTo(200));
        }
    }

    private static boolean refused(RawHttp http) {
        try {
            http.get("/patroni");
            return false;
        } catch (IllegalStateException | IOException e) {
            return true; // closed without an answer
        }
    }

    @Test
    void portZeroBindsAFreePortAndCloseFreesItAtOnce() throws Exception {
        ServerHarness h = new ServerHarness(Fixtures.Snap.primary());
        int port = h.server.port();
        assertThat(port).isPositive();
        try (Socket idle = connect(port)) {
            // One answered request first: the connection is then surely accepted and kept alive.
            idle.getOutputStream().write("GET /patroni HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readOne(idle.getInputStream()).status()).isEqualTo(200);
            h.close();
            h.close(); // idempotent
            assertThat(h.server.port()).isEqualTo(-1);
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress("127.0.0.1", port));
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
            assertThat(closedByPeer(idle)).as("kept-alive connections are closed too").isTrue();
        }
        assertThatThrownBy(h.server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theConstructorPreparesTheServerAndOnlyStartBindsIt() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            port = probe.getLocalPort();
        }
        FakeNode node = new FakeNode(new io.patronijvm.testkit.FakeClock());
        node.snapshot.set(Fixtures.Snap.primary().build((io.patronijvm.testkit.FakeClock) node.clock()));
        try (RestApiServer server = new RestApiServer(RestApiConfig.plain("127.0.0.1", port), Fixtures.SCOPE, "node1",
                node, new FakeDcs(ClusterView.EMPTY), null)) {
            // The agent builds the server while it waits for the DCS: nothing may answer yet.
            assertThat(server.port()).isEqualTo(-1);
            assertThatThrownBy(() -> connect(port)).isInstanceOf(java.net.ConnectException.class);
            server.start();
            assertThat(server.port()).isEqualTo(port);
            RawHttp.Response r = new RawHttp("127.0.0.1", port).get("/patroni");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Date")).as("the JDK's Date header, whose locale data was loaded ahead").endsWith(" GMT");
        }
        // Closed without ever starting (a start that ends before serving): no error, nothing bound.
        try (RestApiServer unused = new RestApiServer(RestApiConfig.plain("127.0.0.1", port), Fixtures.SCOPE, "node1",
                node, new FakeDcs(ClusterView.EMPTY), null)) {
            assertThat(unused.port()).isEqualTo(-1);
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void aTakenPortFailsTheStartNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            RestApiConfig config = RestApiConfig.plain("127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(() -> new ServerHarness(Fixtures.Snap.primary(), config, null))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("restapi.listen 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void listenAddressesIpv6TheWildcardAndAllIpv4() throws Exception {
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), RestApiConfig.plain("::1", 0), null)) {
            assertThat(new RawHttp("::1", h.server.port()).get("/patroni").status()).isEqualTo(200);
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), RestApiConfig.plain("*", 0), null)) {
            assertThat(new RawHttp("127.0.0.1", h.server.port()).get("/patroni").status()).isEqualTo(200);
            assertThat(new RawHttp("::1", h.server.port()).get("/patroni").status()).isEqualTo(200);
        }
        try (ServerHarness h = new ServerHarness(Fixtures.Snap.primary(), RestApiConfig.plain("0.0.0.0", 0), null)) {
            assertThat(new RawHttp("127.0.0.1", h.server.port()).get("/patroni").status()).isEqualTo(200);
        }
    }

    @Test
    void queryStringsDecodeAsPythonsParseQsDoes() {
        assertThat(RestExchange.parseQuery("lag=10MB&tag_a=b+c&x&tag_a=%41&&bad=%&raw=%zz&u=%ff"))
                .isEqualTo(Map.of("lag", List.of("10MB"), "tag_a", List.of("b c", "A"), "x", List.of(""),
                        "bad", List.of("%"), "raw", List.of("%zz"), "u", List.of("\ufffd")));
        assertThat(RestExchange.parseQuery(null)).isEmpty();
    }

    private static boolean closedByPeer(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) {
            return true; // reset: closed with nothing sent
        } catch (IOException e) {
            return false; // still open: the read timed out
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), RawHttp.TIMEOUT_MS);
        s.setSoTimeout(RawHttp.TIMEOUT_MS);
        return s;
    }

    /** One response off a kept-alive connection: the head, then exactly Content-Length bytes. */
    private static RawHttp.Response readOne(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed mid-head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        RawHttp.Response h = RawHttp.parse(head.toByteArray(), true);
        byte[] body = in.readNBytes(Integer.parseInt(h.header("Content-Length")));
        return new RawHttp.Response(h.status(), h.headers(), new String(body, StandardCharsets.UTF_8));
    }
}
