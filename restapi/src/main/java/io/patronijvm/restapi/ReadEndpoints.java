package io.patronijvm.restapi;

import io.patronijvm.core.status.StatusFacts;
import io.patronijvm.core.status.HealthCheck;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.status.NodeControl;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The safe endpoints (spec 1.4, 1.5). Health answers come from the snapshot only and never wait
 * on PostgreSQL or the DCS; {@code /cluster}, {@code /history} and {@code /config} read the DCS
 * once (bounded by the Dcs port's own timeout).
 */
final class ReadEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(ReadEndpoints.class);

    private final NodeControl node;
    private final Dcs dcs;
    private final MonotonicClock clock;
    private final LazyMetrics metrics;
    private final String scope;

    ReadEndpoints(NodeControl node, Dcs dcs, MonotonicClock clock, String scope, String name) {
        this.node = node;
        this.dcs = dcs;
        this.clock = clock;
        this.scope = scope;
        this.metrics = new LazyMetrics(scope, name);
    }

    /** A GET on one of the named endpoints; false when the segment is not one of them. */
    boolean get(RestExchange ctx, String segment) {
        switch (segment) {
            case "patroni" -> Reply.json(ctx, 200, StatusJson.build(snapshot(), clock.nanoTime()));
            case "liveness" -> Reply.statusOnly(ctx, liveness());
            case "readiness" -> Reply.statusOnly(ctx, readiness());
            case "metrics" -> metrics(ctx);
            case "cluster" -> Reply.json(ctx, 200, ClusterJson.build(freshCluster(), scope));
            case "history" -> Reply.json(ctx, 200, ClusterJson.history(freshCluster()));
            case "config" -> config(ctx);
            case "failsafe" -> failsafe(ctx);
            case "events" -> Reply.json(ctx, 200, UiJson.events(node.recentEvents()));
            case "patroni-jvm" -> Reply.json(ctx, 200,
                    UiJson.extension(snapshot(), node.recentEvents(), clock.nanoTime(), clock.wallNow()));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** GET on a health path, or on any unknown path (503 with the status body, spec 1.1). */
    void health(RestExchange ctx, String path, Map<String, List<String>> query) {
        StatusSnapshot s = snapshot();
        long now = clock.nanoTime();
        int code = HealthCheck.evaluate(s, now, HealthCheck.kindOf(path), query);
        Reply.json(ctx, code, StatusJson.build(s, now));
    }

    /** HEAD and OPTIONS: the same decisions, the code only (decision 5, HAProxy httpchk). */
    void statusOnly(RestExchange ctx, String path, String segment, Map<String, List<String>> query) {
        int code = switch (segment) {
            case "liveness" -> liveness();
            case "readiness" -> readiness();
            case "patroni", "metrics" -> 200;
            default -> {
                HealthCheck.Kind kind = HealthCheck.kindOf(path);
                StatusSnapshot s = kind == HealthCheck.Kind.PRIMARY ? publishedSnapshot() : healthSnapshot();
                yield HealthCheck.evaluate(s, clock.nanoTime(), kind, query);
            }
        };
        Reply.statusOnly(ctx, code);
    }

    /**
     * 200 while the loop is on time: until {@code next_run + ttl} on a running primary, twice that
     * elsewhere; always 200 when paused (spec 1.5).
     */
    int liveness() {
        StatusSnapshot s = snapshot();
        long now = clock.nanoTime();
        boolean primary = s.role() == Role.PRIMARY && "running".equals(StatusFacts.state(s));
        long ttlNanos = s.config().ttlDuration().toNanos();
        long threshold = s.nextRunNanos() + (primary ? ttlNanos : 2 * ttlNanos);
        return s.paused() || now - threshold < 0 ? 200 : 503;
    }

    /** Patroni 4.0 and older: the lock holder, or running PostgreSQL with a fresh DCS view. */
    int readiness() {
        StatusSnapshot s = snapshot();
        long now = clock.nanoTime();
        if (s.holdsLease(now)) {
            return 200;
        }
        return "running".equals(StatusFacts.state(s)) && StatusFacts.of(s, now).freshView() ? 200 : 503;
    }

    private void metrics(RestExchange ctx) {
        try {
            Reply.bytes(ctx, 200, PatroniMetrics.CONTENT_TYPE, metrics.scrape(snapshot(), clock.nanoTime()));
        } catch (IOException e) {
            // Writing to an in-memory buffer; cannot happen short of a library bug.
            throw new IllegalStateException("metrics rendering failed", e);
        }
    }

    private void config(RestExchange ctx) {
        ClusterView view = freshCluster();
        if (view.config() == null) {
            throw new HttpError(502, "Bad Gateway: no configuration in the DCS");
        }
        Reply.json(ctx, 200, view.config().data());
    }

    private void failsafe(RestExchange ctx) {
        StatusSnapshot s = snapshot();
        Map<String, String> failsafe = s.cluster() == null ? null : s.cluster().failsafe();
        if (!s.config().failsafeMode() || failsafe == null) {
            throw new HttpError(502, "Bad Gateway: failsafe mode is off or the failsafe key is missing");
        }
        Reply.json(ctx, 200, failsafe);
    }

    ClusterView freshCluster() {
        try {
            return dcs.loadCluster();
        } catch (DcsUnavailableException e) {
            LOG.warn("REST API: DCS read failed: {}", e.getMessage());
            throw new HttpError(503, "DCS is not accessible");
        }
    }

    StatusSnapshot snapshot() {
        return started(node.status());
    }

    /** For HEAD/OPTIONS primary checks only: the GET body shows positions, so it stays live. */
    private StatusSnapshot publishedSnapshot() {
        return started(node.publishedStatus());
    }

    /** For the other HEAD/OPTIONS health checks: a replica's positions renewed by one light query. */
    private StatusSnapshot healthSnapshot() {
        return started(node.healthStatus());
    }

    private static StatusSnapshot started(StatusSnapshot s) {
        if (s == null || s.config() == null) {
            throw new HttpError(503, "Patroni is starting: no status published yet");
        }
        return s;
    }
}
