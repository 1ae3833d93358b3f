package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Not a test: serves a fixed healthy-primary snapshot (lease one day long) so {@code bench/rest}
 * can measure the REST API without an agent. Usage: {@code RestApiBenchServer <host> <port>};
 * stops on SIGTERM/SIGINT.
 */
public final class RestApiBenchServer {

    private RestApiBenchServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        String host = args.length > 0 ? args[0] : "127.0.6.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8008;
        MonotonicClock clock = MonotonicClock.SYSTEM;
        FakeNode node = new FakeNode(clock);
        Fixtures.Snap snap = Fixtures.Snap.primary();
        snap.lease = Duration.ofDays(1);
        StatusSnapshot base = snap.build(new io.patronijvm.testkit.FakeClock(clock.nanoTime(), clock.wallNow()));
        node.snapshot.set(base);
        FakeDcs dcs = new FakeDcs(snap.cluster);
        RestApiServer server = new RestApiServer(RestApiConfig.plain(host, port), Fixtures.SCOPE, snap.name, node,
                dcs, null);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "restapi-bench-shutdown"));
        server.start();
        System.out.println("RestApiBenchServer ready on http://" + host + ":" + server.port());
        stop.await();
    }
}
