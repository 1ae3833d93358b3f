package io.patronijvm.restapi;

import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.status.NodeControl;
import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Patroni's REST API (spec section 1) on the JDK's HTTP server ({@link JdkHttpServer}): health checks and status from the
 * published {@link io.patronijvm.core.status.StatusSnapshot}, operator intents through
 * {@link NodeControl}, and what Patroni writes to the DCS directly through {@link Dcs}.
 *
 * <p>Lifecycle: the constructor prepares the HTTP server without binding it, {@link #start()} binds
 * (port 0 picks a free port, see {@link #port()}); {@link #close()} stops the server, started or not,
 * and is idempotent.
 */
public final class RestApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestApiServer.class);

    /** A member that takes longer than this is shown as not answering; the page polls every 1.5 s. */
    private static final java.time.Duration UI_PROBE_TIMEOUT = java.time.Duration.ofSeconds(1);

    private final RestApiConfig config;
    private final RestApiOptions options;
    private final ReadEndpoints reads;
    private final Router router;
    private final Object lifecycle = new Object();
    private final JdkHttpServer http;
    private boolean started;
    private boolean closed;

    public RestApiServer(RestApiConfig config, String scope, String name, NodeControl node, Dcs dcs,
                         PeerClient peers) {
        this(config, scope, name, node, dcs, peers, RestApiOptions.defaults());
    }

    public RestApiServer(RestApiConfig config, String scope, String name, NodeControl node, Dcs dcs,
                         PeerClient peers, RestApiOptions options) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(dcs, "dcs");
        MonotonicClock clock = options.clock() != null ? options.clock() : node.clock();
        this.options = options.withClock(clock, options.sleeper());
        this.reads = new ReadEndpoints(node, dcs, clock, scope, name);
        WriteEndpoints writes = new WriteEndpoints(node, dcs, reads);
        SwitchoverEndpoint switchover = new SwitchoverEndpoint(node, dcs, reads,
                new FailoverCandidates(peers, options.peerProbeTimeout()), clock, this.options);
        AccessControl access = new AccessControl(config, node::status);
        UiEndpoints ui = new UiEndpoints(reads, node, clock, access,
                new MemberProbes(config, UI_PROBE_TIMEOUT), scope, name);
        this.router = new Router(reads, writes, switchover, access, ui);
        this.http = JdkHttpServer.prepare(config, this.options, this::handle);
    }

    /** Binds and starts serving. Throws when the address cannot be bound or TLS files are bad. */
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("RestApiServer was closed");
            }
            if (started) {
                return;
            }
            http.bind();
            started = true;
            LOG.info("REST API listening on {}:{} ({})", config.listenHost(), port(), config.tls() ? "https" : "http");
        }
    }

    /** The bound port (useful with port 0), or -1 when not started. */
    public int port() {
        synchronized (lifecycle) {
            return started && !closed ? http.port() : -1;
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            http.stop();
        }
    }

    private void handle(RestExchange ctx) {
        addExtraHeaders(ctx);
        try {
            router.route(ctx);
        } catch (HttpError e) {
            if (isStatusOnly(ctx)) {
                Reply.statusOnly(ctx, e.status());
            } else {
                Reply.text(ctx, e.status(), e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Reply.text(ctx, 503, "interrupted while waiting for the agent");
        } catch (RuntimeException e) {
            internalError(ctx, e);
        }
    }

    private void addExtraHeaders(RestExchange ctx) {
        for (Map.Entry<String, String> h : config.httpExtraHeaders().entrySet()) {
            ctx.header(h.getKey(), h.getValue());
        }
        if (config.tls()) {
            for (Map.Entry<String, String> h : config.httpsExtraHeaders().entrySet()) {
                ctx.header(h.getKey(), h.getValue());
            }
        }
    }

    private static boolean isStatusOnly(RestExchange ctx) {
        String m = ctx.method();
        return m.equals("HEAD") || m.equals("OPTIONS");
    }

    private static void internalError(RestExchange ctx, RuntimeException e) {
        // A bug of ours, not bad input: log the trace, send none.
        LOG.error("REST API: unexpected error on {} {}", ctx.method(), ctx.path(), e);
        Reply.text(ctx, 500, "Internal Server Error");
    }

    /** Health paths the spec names; exposed for tests that walk all of them. */
    static List<String> healthPaths() {
        return List.of("/", "/primary", "/master", "/read-write", "/leader", "/standby-leader", "/standby_leader",
                "/replica", "/read-only", "/health", "/sync", "/synchronous", "/async", "/asynchronous",
                "/read-only-sync", "/read-only-synchronous");
    }
}
