package io.patronijvm.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What HttpURLConnection lacks and {@link HttpCall} adds (issue 17, OkHttp's callTimeout and
 * cancel), against a raw socket server that answers slowly, trickles or never answers. The same
 * class is copied in dcs-etcd and agent; this test covers the code all three share.
 */
class HttpCallTest {

    /** How the test server answers one accepted connection. */
    @FunctionalInterface
    private interface Peer {
        void serve(Socket s, int connection) throws IOException, InterruptedException;
    }

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        for (Socket s : open) {
            s.close();
        }
    }

    @Test
    void aBodyThatTricklesEndsAtTheDeadlineThoughEveryReadIsWithinTheReadTimeout() throws Exception {
        URI uri = serve((s, n) -> {
            readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(50);
            }
        });
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> call(uri, Duration.ofSeconds(2), Duration.ofMillis(700)).send("GET", null, null, true))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining(uri.getRawAuthority());
        assertThat(seconds(t0)).as("seconds until the trickling call failed (deadline 0.7 s)").isBetween(0.6, 1.5);
    }

    @Test
    void headersThatTrickleEndAtTheDeadline() throws Exception {
        URI uri = serve((s, n) -> {
            readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (byte b : "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
            }
            for (int i = 0; i < 1000; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(50);
            }
        });
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> call(uri, Duration.ofSeconds(2), Duration.ofMillis(700)).send("GET", null, null, true))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(seconds(t0)).as("seconds until the call with trickling headers failed").isBetween(0.6, 1.5);
    }

    @Test
    void anAbortFromAnotherThreadEndsACallThatWaitsForItsAnswerAtOnce() throws Exception {
        URI uri = serve((s, n) -> {
            readRequest(s.getInputStream());
            Thread.sleep(30_000); // a blocking query that would answer much later
        });
        HttpCall call = call(uri, Duration.ofSeconds(30), Duration.ofSeconds(30));
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            call.abort("cancelled");
        });
        canceller.start();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> call.send("GET", null, null, true)).isInstanceOf(IOException.class)
                .isNotInstanceOf(SocketTimeoutException.class).hasMessageContaining("cancelled");
        assertThat(seconds(t0)).as("seconds until the aborted call returned").isLessThan(2);
        assertThat(requests.get()).as("an aborted request is not sent again").isEqualTo(1);
    }

    @Test
    void answersReadToTheirEndReuseTheConnection() throws Exception {
        URI uri = serve(this::keepAlive);
        for (int i = 0; i < 3; i++) {
            HttpCall.Reply r = call(uri, Duration.ofSeconds(5), Duration.ofSeconds(5)).send("PUT", "v".getBytes(
                    StandardCharsets.UTF_8), "text/plain", false);
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("true");
        }
        assertThat(requests.get()).isEqualTo(3);
        assertThat(connections.get()).as("connections for 3 calls").isEqualTo(1);
    }

    @Test
    void aStreamedWriteOnAConnectionThePeerClosedIsNotSentAgainByTheJdkAGetIs() throws Exception {
        URI uri = serve((s, n) -> {
            keepAlive1(s); // answers one request promising keep-alive, then closes
        });
        assertThat(call(uri, Duration.ofSeconds(5), Duration.ofSeconds(5)).send("GET", null, null, true).code())
                .isEqualTo(200);
        awaitClosedByPeer();
        assertThatThrownBy(() -> call(uri, Duration.ofSeconds(5), Duration.ofSeconds(5))
                .send("PUT", "v".getBytes(StandardCharsets.UTF_8), "text/plain", false)).isInstanceOf(IOException.class);
        assertThat(requests.get()).as("requests the peer read: the write went to the closed connection only").isEqualTo(1);

        assertThat(call(uri, Duration.ofSeconds(5), Duration.ofSeconds(5)).send("GET", null, null, true).code())
                .isEqualTo(200);
        awaitClosedByPeer();
        assertThat(call(uri, Duration.ofSeconds(5), Duration.ofSeconds(5)).send("GET", null, null, true).code())
                .as("a GET on the closed connection is sent again on a new one").isEqualTo(200);
    }

    @Test
    void aStreamedRequestAnsweredWith401ComesBackAsA401() throws Exception {
        URI uri = serve((s, n) -> {
            readRequest(s.getInputStream());
            s.getOutputStream().write(("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                    + "\r\n{}").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        });
        HttpCall.Reply r = call(uri, Duration.ofSeconds(5), Duration.ofSeconds(5)).send("POST", "{}".getBytes(
                StandardCharsets.UTF_8), "application/json", false);
        assertThat(r.code()).as("the JDK keeps no body of a streamed request's 401, but its status").isEqualTo(401);
    }

    private void awaitClosedByPeer() throws InterruptedException {
        // The server closes right after its answer; the client only learns of it on its next request.
        Thread.sleep(200);
    }

    private static HttpCall call(URI uri, Duration read, Duration total) throws IOException {
        return new HttpCall(uri, java.net.Proxy.NO_PROXY, Duration.ofSeconds(2), read, total);
    }

    private URI serve(Peer peer) throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    int n = connections.incrementAndGet();
                    Thread t = new Thread(() -> {
                        try (s) {
                            peer.serve(s, n);
                        } catch (IOException | InterruptedException e) {
                            // the client went away: that is what several tests do
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "http-call-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/kv/x");
    }

    private void keepAlive(Socket s, int connection) throws IOException {
        while (!s.isClosed()) {
            keepAlive1(s);
        }
    }

    /** One answer that promises keep-alive (HTTP/1.1, no Connection: close). */
    private void keepAlive1(Socket s) throws IOException {
        readRequest(s.getInputStream());
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ntrue".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private void readRequest(InputStream in) throws IOException {
        int length = 0;
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed");
            }
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String l = line.toString().strip();
            line.setLength(0);
            if (l.isEmpty()) {
                break;
            }
            if (l.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(l.substring(15).strip());
            }
        }
        in.readNBytes(length);
        requests.incrementAndGet();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
