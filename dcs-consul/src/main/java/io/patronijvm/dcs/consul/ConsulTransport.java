package io.patronijvm.dcs.consul;

import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.http.HttpCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP to the Consul agent (spec 2.4 "Transport"): the JDK's HttpURLConnection ({@link HttpCall})
 * with connect and read timeouts of {@code retry_timeout/3} and a deadline for the whole call, the
 * {@code X-Consul-Token} header on every request (watches included, Patroni issue #1129), and
 * retries with exponential backoff and jitter (max 1 s) inside the caller's deadline for HTTP 5xx,
 * connection errors and timeouts. ACL refusals (403) are not retried and are reported as
 * "permission denied", once at ERROR.
 */
final class ConsulTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulTransport.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final String base;
    private final String token;
    private final String dc;
    private final Sleeper sleeper;
    /** Null for http: nothing of TLS is loaded then (a short-lived ctl pays for it on every run). */
    private final SSLSocketFactory tls;
    private final HostnameVerifier hostnames;
    private volatile Duration timeout;
    private volatile Duration callTimeout;
    private final AtomicBoolean aclLogged = new AtomicBoolean();

    ConsulTransport(ConsulConfig cfg, Sleeper sleeper, Duration retryTimeout) {
        this.base = cfg.baseUrl();
        this.token = cfg.token() == null || cfg.token().isBlank() ? null : cfg.token();
        this.dc = cfg.dc() == null || cfg.dc().isBlank() ? null : cfg.dc();
        this.sleeper = sleeper;
        if ("https".equalsIgnoreCase(cfg.scheme())) {
            ConsulTls.Setup setup = ConsulTls.build(cfg);
            this.tls = setup.context().getSocketFactory();
            this.hostnames = setup.verifyHostname() ? null : (host, session) -> true;
        } else {
            this.tls = null;
            this.hostnames = null;
        }
        applyTimeout(retryTimeout);
    }

    /** Request timeouts derive from retry_timeout: a third of it per connect and read, the whole per call. */
    void applyTimeout(Duration retryTimeout) {
        Duration third = retryTimeout.dividedBy(3);
        if (third.toMillis() < 100) {
            third = Duration.ofMillis(100);
        }
        timeout = third;
        callTimeout = retryTimeout.compareTo(third) > 0 ? retryTimeout : third;
    }

    /** {@code /v1/<path>} with the {@code dc} parameter (when configured) and the given query. */
    ConsulUrl url(String path, Map<String, String> query) {
        ConsulUrl u = ConsulUrl.of(base, path);
        for (var e : query.entrySet()) {
            u = u.param(e.getKey(), e.getValue());
        }
        return dc == null ? u : u.param("dc", dc);
    }

    /** As {@link #url(String, Map)} with a last segment that may contain {@code /} (encoded as %2F). */
    ConsulUrl url(String path, String segment, Map<String, String> query) {
        ConsulUrl u = ConsulUrl.of(base, path).segment(segment);
        for (var e : query.entrySet()) {
            u = u.param(e.getKey(), e.getValue());
        }
        return dc == null ? u : u.param("dc", dc);
    }

    /**
     * Sends the request, retrying retryable failures until {@code deadline}. Returns any answer
     * that is not retryable (200, 404, 400, semantic 500s such as "invalid session").
     */
    ConsulResponse call(String method, ConsulUrl url, String body, Deadline deadline)
            throws ConsulUnavailableException, InterruptedException {
        Backoff backoff = Backoff.initial();
        String last = "no attempt made, deadline already passed";
        while (!deadline.expired()) {
            try {
                ConsulResponse r = once(method, url, body, timeout, min(callTimeout, deadline.remaining()), WatchCancel.NEVER);
                if (r.code() == 403) {
                    throw aclError(url, r);
                }
                if (r.code() < 500 || isSemantic(r)) {
                    aclLogged.set(false);
                    return r;
                }
                last = "HTTP " + r.code() + ": " + r.body().strip();
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("Consul call interrupted: " + method + " " + redact(url));
                }
                last = "timeout: " + e.getMessage();
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Duration delay = backoff.delay(() -> ThreadLocalRandom.current().nextDouble());
            backoff = backoff.next();
            if (deadline.remaining().compareTo(delay) <= 0) {
                break;
            }
            LOG.debug("Consul {} {} failed ({}), retrying in {} ms", method, redact(url), last, delay.toMillis());
            sleeper.sleep(delay);
        }
        throw new ConsulUnavailableException("Consul " + method + " " + redact(url)
                + " gave no usable answer within the retry_timeout deadline; last error: " + last);
    }

    /**
     * One blocking query: the server holds it open for up to its {@code wait}, the call ends after
     * {@code httpTimeout} at the latest, and at once when {@code cancel} fires (an IOException then).
     */
    ConsulResponse blocking(ConsulUrl url, Duration httpTimeout, WatchCancel cancel)
            throws IOException, ConsulUnavailableException {
        // The read timeout is the whole query's: Consul sends nothing until the index moves or the wait ends.
        ConsulResponse r = once("GET", url, null, httpTimeout, httpTimeout, cancel);
        if (r.code() == 403) {
            throw aclError(url, r);
        }
        return r;
    }

    private ConsulResponse once(String method, ConsulUrl url, String body, Duration readTimeout, Duration budget,
                                WatchCancel cancel) throws IOException {
        HttpCall call = new HttpCall(url.uri(), null, min(timeout, budget), readTimeout, budget).tls(tls, hostnames);
        if (token != null) {
            call.header("X-Consul-Token", token);
        }
        // PUT always carries a body (empty when none), as Consul's own clients send it. Writes are
        // streamed, so the JDK never sends one a second time on its own after a failure that may
        // have come after Consul applied it: a CAS or acquire repeated that way would be refused
        // and make a write that succeeded look lost. GETs may be resent (they change nothing).
        byte[] bytes = body == null && !method.equals("PUT") && !method.equals("DELETE") ? null
                : (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        try (WatchCancel.Registration ignored = cancel.onCancel(() -> call.abort("cancelled"))) {
            HttpCall.Reply resp = call.send(method, bytes, TEXT, false);
            String idx = resp.header("X-Consul-Index");
            long index = -1;
            if (idx != null) {
                try {
                    index = Long.parseLong(idx.strip());
                } catch (NumberFormatException e) {
                    LOG.warn("Consul sent a non-numeric X-Consul-Index '{}'", idx);
                }
            }
            return new ConsulResponse(resp.code(), resp.body(), index);
        }
    }

    /** 500s that are answers, not outages: retrying cannot change them. */
    private static boolean isSemantic(ConsulResponse r) {
        String b = r.body().toLowerCase(Locale.ROOT);
        return b.contains("invalid session") || b.contains("session ttl") || b.contains("missing check");
    }

    private ConsulUnavailableException aclError(ConsulUrl url, ConsulResponse r) {
        String msg = "Consul refused " + redact(url) + ": permission denied (HTTP 403 '" + r.body().strip()
                + "'); check consul.token and its ACL policy (key_prefix \"<namespace>/\" write, "
                + "session_prefix \"\" write)";
        if (aclLogged.compareAndSet(false, true)) {
            LOG.error(msg);
        } else {
            LOG.debug(msg);
        }
        return new ConsulUnavailableException(msg, true, null);
    }

    private static String redact(ConsulUrl url) {
        return url.redacted();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Nothing to release: idle connections sit in the JDK's keep-alive pool, which closes them after 5 s. */
    @Override
    public void close() {
    }
}
