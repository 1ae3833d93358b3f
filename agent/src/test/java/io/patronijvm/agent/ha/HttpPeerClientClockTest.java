package io.patronijvm.agent.ha;

import com.sun.net.httpserver.HttpServer;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.testkit.TimingMultiple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 7 of issue 12: the wait for the peers' answers is measured on the injected clock
 * (style guideline 9), not on System.nanoTime. A clock that says the whole timeout has passed
 * ends the wait although a real peer answers a moment later.
 */
class HttpPeerClientClockTest {

    private static final String BODY = "{\"state\":\"running\",\"role\":\"replica\",\"xlog\":{\"received_location\":5}}";

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void theProbeDeadlineFollowsTheInjectedClock() throws Exception {
        String api = slowPeer();
        Member peer = new Member("node2", null, 0, null, api, null, null, null, null, null, null, null, false, false,
                null, null);
        AtomicLong now = new AtomicLong();
        MonotonicClock jumping = new MonotonicClock() {
            @Override
            public long nanoTime() {
                return now.getAndAdd(Duration.ofMinutes(1).toNanos()); // every reading is a minute later
            }

            @Override
            public Instant wallNow() {
                return Instant.EPOCH;
            }
        };
        HttpPeerClient client = new HttpPeerClient(Duration.ofSeconds(1), jumping);
        Map<String, PeerStatus> st = client.probe(List.of(peer), Duration.ofSeconds(5));
        assertThat(st.get("node2").reachable()).as("the injected clock says the 5 s are over").isFalse();

        release.countDown();
        // The control on real time: generous limits (returned from as soon as the peer answers),
        // scaled by the one slow-machine knob, so a loaded machine cannot turn it into a timeout.
        HttpPeerClient real = new HttpPeerClient(TimingMultiple.scaled(Duration.ofSeconds(10)), MonotonicClock.SYSTEM);
        assertThat(real.probe(List.of(peer), TimingMultiple.scaled(Duration.ofSeconds(30))).get("node2").reachable())
                .as("the same peer, on real time").isTrue();
    }

    /** Answers GET /patroni once {@link #release} is counted down (at most 5 s later). */
    private String slowPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/patroni", ex -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] b = BODY.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/patroni";
    }
}
