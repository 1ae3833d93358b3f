package io.patronijvm.agent.wiring;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
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

    /** Environment variable bounding the start-up wait for the DCS, in seconds (0: wait forever). */
    static final String DCS_STARTUP_TIMEOUT_ENV = "PATRONI_JVM_DCS_STARTUP_TIMEOUT";
    /** Default of {@link #DCS_STARTUP_TIMEOUT_ENV}: a wrong address fails the start instead of hanging. */
    static final Duration DEFAULT_DCS_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The start-up bound from {@link #DCS_STARTUP_TIMEOUT_ENV}: {@link Duration#ZERO} means wait
     * forever (Patroni's T6 behaviour). A value that is not a non-negative whole number of seconds
     * is refused with a message naming the variable.
     */
    static Duration dcsStartupTimeout(java.util.Map<String, String> env) {
        String raw = env.get(DCS_STARTUP_TIMEOUT_ENV);
        if (raw == null || raw.isBlank()) {
            return DEFAULT_DCS_STARTUP_TIMEOUT;
        }
        try {
            long s = Long.parseLong(raw.strip());
            if (s >= 0) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // reported below with the variable's name
        }
        throw new IllegalArgumentException(DCS_STARTUP_TIMEOUT_ENV + " must be a whole number of seconds >= 0 "
                + "(0 waits forever), got '" + raw + "'");
    }

    /**
     * T6: reads the cluster until the DCS answers, every {@link #DCS_RETRY}, logging each miss with
     * the address and the error. Patroni waits forever; we give up after {@code bound} (unless it is
     * zero) so that a wrong address fails the start with a clear error instead of hanging.
     * Empty when {@code stop} was released while waiting (shutdown before we ever started).
     *
     * @throws DcsUnavailableException the DCS did not answer within {@code bound}; the message is
     *                                 the last error seen
     */
    static Optional<ClusterView> awaitDcs(Dcs dcs, String where, CountDownLatch stop, Duration bound,
            MonotonicClock clock) throws InterruptedException, DcsUnavailableException {
        return awaitDcs(dcs, "consul", where, stop, bound, clock);
    }

    /** As above for the named DCS ({@code consul}, {@code etcd3}): Patroni's "waiting on etcd" for etcd. */
    static Optional<ClusterView> awaitDcs(Dcs dcs, String dcsName, String where, CountDownLatch stop, Duration bound,
            MonotonicClock clock) throws InterruptedException, DcsUnavailableException {
        long giveUpAt = clock.nanoTime() + bound.toNanos();
        while (true) {
            String error;
            try {
                return Optional.of(dcs.loadCluster());
            } catch (DcsUnavailableException e) {
                error = e.getMessage();
            }
            long left = giveUpAt - clock.nanoTime();
            if (!bound.isZero() && left <= 0) {
                throw new DcsUnavailableException(error);
            }
            long waitMillis = bound.isZero() ? DCS_RETRY.toMillis()
                    : Math.max(1, Math.min(DCS_RETRY.toMillis(), left / 1_000_000));
            log.warn("waiting on {} at {}: {} (retrying every {} s{})", dcsName.startsWith("etcd") ? "etcd" : dcsName,
                    where, error, DCS_RETRY.toSeconds(),
                    bound.isZero() ? "" : ", giving up " + Math.max(1, (left + 999_999_999L) / 1_000_000_000L)
                            + " s from now");
            if (stop.await(waitMillis, TimeUnit.MILLISECONDS)) {
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
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before asking " + url);
        }
        // The JDK's URLConnection, not java.net.http: this runs on every start, before the REST
        // API answers, and a java.net.http client makes the default TLS context (the trust store)
        // even for a plain-http URL, some 500 classes and 0.2-0.4 s; HttpURLConnection loads TLS
        // only for an https URL. No proxy, as the other member calls.
        HttpURLConnection http = null;
        try {
            http = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
            http.setConnectTimeout((int) LIVENESS_TIMEOUT.toMillis());
            http.setReadTimeout((int) LIVENESS_TIMEOUT.toMillis());
            http.setInstanceFollowRedirects(false);
            log.debug("{} answered {}", url, http.getResponseCode());
            return true;
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            return false; // nobody answers: a previous run of ours that died, its key will expire
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }
}
