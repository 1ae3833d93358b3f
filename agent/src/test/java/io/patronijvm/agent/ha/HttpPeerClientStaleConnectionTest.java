package io.patronijvm.agent.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.time.MonotonicClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer's REST server closes kept-alive connections it considers idle (ours after
 * {@code sun.net.httpserver.idleInterval}, 10 s): a probe must not fail because the connection it
 * reused from an earlier probe was closed in between. It did once the peer client pooled
 * connections without retrying a stale one, and a switchover found "no good candidates".
 */
class HttpPeerClientStaleConnectionTest {

    private static final byte[] BODY =
            "{\"state\":\"running\",\"role\":\"replica\",\"xlog\":{\"received_location\":5}}".getBytes(StandardCharsets.UTF_8);

    private final Semaphore closed = new Semaphore(0);
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;
    private Thread acceptor;

    @AfterEach
    void stop() throws IOException {
        server.close();
        acceptor.interrupt();
    }

    @Test
    void aProbeOnAConnectionThePeerClosedSinceTheLastProbeStillReachesIt() throws Exception {
        String api = peerThatClosesAfterEachAnswer();
        Member peer = new Member("node2", null, 0, null, api, null, null, null, null, null, null, null, false, false,
                null, null);
        HttpPeerClient client = new HttpPeerClient(Duration.ofSeconds(5), MonotonicClock.SYSTEM);

        assertThat(client.probe(List.of(peer), Duration.ofSeconds(10)).get("node2").reachable()).isTrue();
        assertThat(closed.tryAcquire(10, TimeUnit.SECONDS)).as("the peer closed the first connection").isTrue();

        assertThat(client.probe(List.of(peer), Duration.ofSeconds(10)).get("node2").reachable())
                .as("the second probe, after the peer closed the connection the first one left open").isTrue();
        assertThat(connections.get()).isEqualTo(2);
    }

    /** HTTP/1.1 answers that promise keep-alive (no Connection: close), then the socket closes. */
    private String peerThatClosesAfterEachAnswer() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    connections.incrementAndGet();
                    readHeaders(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(BODY);
                    out.flush();
                } catch (IOException e) {
                    if (!server.isClosed()) {
                        throw new IllegalStateException("test peer failed", e);
                    }
                }
                closed.release();
            }
        }, "stale-peer");
        acceptor.setDaemon(true);
        acceptor.start();
        return "http://127.0.0.1:" + server.getLocalPort() + "/patroni";
    }

    private static void readHeaders(InputStream in) throws IOException {
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
    }
}
