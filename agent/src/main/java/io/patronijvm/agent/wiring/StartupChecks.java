package io.patronijvm.agent.wiring;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What the agent checks before it starts serving: who runs it, the DCS, and its own name. */
final class StartupChecks {

    private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);
    /** T6: how often a node without a DCS asks again. */
    static final Duration DCS_RETRY = Duration.ofSeconds(5);
    /** How long a node with our name gets to answer {@code /liveness} (issue #1804). */
    static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(3);

    private StartupChecks() {
    }

    /**
     * Whether this process runs as root. PostgreSQL refuses to run as root, so we refuse before
     * touching anything rather than fail half-way through a bootstrap.
     */
    static boolean runningAsRoot() {
        return io.patronijvm.pg.OsUser.isRoot();
    }

    /**
     * T6: reads the cluster until the DCS answers, every {@link #DCS_RETRY}, logging each miss.
     * Empty when {@code stop} was released while waiting (shutdown before we ever started).
     */
    static Optional<ClusterView> awaitDcs(Dcs dcs, String where, CountDownLatch stop) throws InterruptedException {
        while (true) {
            try {
                return Optional.of(dcs.loadCluster());
            } catch (DcsUnavailableException e) {
                log.warn("waiting on consul at {}: {} (retrying every {} s)", where, e.getMessage(),
                        DCS_RETRY.toSeconds());
            }
            if (stop.await(DCS_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
        }
    }

    /**
     * Issue #1804 (spec section 6): a second agent started with the name of a running one would
     * fight it for the member key. The name is taken when {@code members/<name>} exists and its
     * {@code api_url}'s {@code /liveness} answers at all within {@link #LIVENESS_TIMEOUT}.
     */
    static boolean nameTakenByRunningNode(ClusterView view, String name) throws InterruptedException {
        Optional<String> api = view.member(name).flatMap(Member::api);
        if (api.isEmpty()) {
            return false;
        }
        String url = api.get().replaceFirst("/patroni/?$", "") + "/liveness";
        HttpClient http = HttpClient.newBuilder().connectTimeout(LIVENESS_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(LIVENESS_TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            log.debug("{} answered {}", url, r.statusCode());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false; // nobody answers: a previous run of ours that died, its key will expire
        } finally {
            http.close();
        }
    }
}
