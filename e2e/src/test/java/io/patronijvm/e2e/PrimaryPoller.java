package io.patronijvm.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks {@code OPTIONS /primary} of every node every 50 ms, as HAProxy's health check would
 * (README: "HAProxy never sees two healthy primaries"; style guideline 23). A poll in which two
 * nodes answer 200 is an overlap: HAProxy could send writes to both. The requests of one poll go
 * out together; each is bounded (a node that does not answer counts as not 200).
 */
final class PrimaryPoller implements AutoCloseable {

    private static final Duration EVERY = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> nodes;
    private final java.util.concurrent.ScheduledExecutorService timer;
    private final long t0 = System.nanoTime();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final Map<String, Long> first200 = new ConcurrentHashMap<>();
    private final Map<String, Long> last200 = new ConcurrentHashMap<>();
    private volatile long polls;

    PrimaryPoller(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
        this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "primary-poller");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::poll, 0, EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void poll() {
        {
            long start = System.nanoTime();
            Map<String, CompletableFuture<Integer>> answers = new LinkedHashMap<>();
            for (String n : nodes) {
                answers.put(n, status(n));
            }
            List<String> healthy = new ArrayList<>();
            answers.forEach((n, f) -> {
                if (f.join() == 200) {
                    healthy.add(n);
                    first200.putIfAbsent(n, start);
                    last200.put(n, start);
                }
            });
            polls++;
            if (healthy.size() > 1) {
                overlaps.add(String.format("%.2f s: %s", (start - t0) / 1e9, healthy));
            }
        }
    }

    private CompletableFuture<Integer> status(String node) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + LocalCluster.host(node) + ":8008/primary"))
                .timeout(TIMEOUT).method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode)
                .exceptionally(t -> 0);
    }

    /** Polls in which more than one node answered 200, with their time since the poller started. */
    List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    long polls() {
        return polls;
    }

    /** Monotonic time of the first / last poll in which {@code node} answered 200, or 0. */
    long first200(String node) {
        return first200.getOrDefault(node, 0L);
    }

    long last200(String node) {
        return last200.getOrDefault(node, 0L);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The assertion every failover and switchover test makes. */
    void assertNoOverlap(String what) {
        org.assertj.core.api.Assertions.assertThat(overlaps())
                .as("%s: polls (of %d, every 50 ms) in which two nodes answered 200 on OPTIONS /primary", what, polls)
                .isEmpty();
    }
}
