package io.patronijvm.dcs.consul;

import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.Sleeper;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP to the Consul agent (spec 2.4 "Transport"): OkHttp with connect/read/write timeouts of
 * {@code retry_timeout/3} and a call timeout that is never 0, the {@code X-Consul-Token} header
 * on every request (watches included, Patroni issue #1129), and retries with exponential backoff
 * and jitter (max 1 s) inside the caller's deadline for HTTP 5xx, connection errors and timeouts.
 * ACL refusals (403) are not retried and are reported as "permission denied", once at ERROR.
 */
final class ConsulTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulTransport.class);
    private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

    private final HttpUrl base;
    private final String token;
    private final String dc;
    private final Sleeper sleeper;
    private final OkHttpClient root;
    private volatile OkHttpClient client;
    /** {@link #client} without read and call timeouts: each blocking query sets its own call timeout. */
    private volatile OkHttpClient watchClient;
    private final AtomicBoolean aclLogged = new AtomicBoolean();

    ConsulTransport(ConsulConfig cfg, Sleeper sleeper, Duration retryTimeout) {
        this.base = HttpUrl.get(cfg.baseUrl());
        this.token = cfg.token() == null || cfg.token().isBlank() ? null : cfg.token();
        this.dc = cfg.dc() == null || cfg.dc().isBlank() ? null : cfg.dc();
        this.sleeper = sleeper;
        OkHttpClient.Builder b = new OkHttpClient.Builder().retryOnConnectionFailure(false);
        if ("https".equalsIgnoreCase(cfg.scheme())) {
            ConsulTls.Setup tls = ConsulTls.build(cfg);
            b.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
            if (!tls.verifyHostname()) {
                b.hostnameVerifier((host, session) -> true);
            }
        } else {
            // Plain HTTP never needs TLS: without this OkHttp loads the platform trust store
            // (every CA certificate) when the client is built, which a short-lived ctl pays on each run.
            b.connectionSpecs(java.util.List.of(okhttp3.ConnectionSpec.CLEARTEXT));
        }
        this.root = b.build();
        applyTimeout(retryTimeout);
    }

    /** Request timeouts derive from retry_timeout: a third of it per read, the whole per call. */
    void applyTimeout(Duration retryTimeout) {
        Duration third = retryTimeout.dividedBy(3);
        if (third.toMillis() < 100) {
            third = Duration.ofMillis(100);
        }
        client = root.newBuilder()
                .connectTimeout(third).readTimeout(third).writeTimeout(third)
                .callTimeout(retryTimeout.compareTo(third) > 0 ? retryTimeout : third)
                .build();
        // Built once, not per query: a blocking query's length varies with the rest of the cycle, so a
        // read timeout would have to follow it; the per-call timeout in once() bounds every query instead.
        watchClient = client.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO).build();
    }

    /** {@code /v1/<path>} with the {@code dc} parameter (when configured) and the given query. */
    HttpUrl url(String path, Map<String, String> query) {
        HttpUrl.Builder u = base.newBuilder().addPathSegment("v1").addPathSegments(path);
        query.forEach(u::addQueryParameter);
        if (dc != null) {
            u.addQueryParameter("dc", dc);
        }
        return u.build();
    }

    /** As {@link #url(String, Map)} with a last segment that may contain {@code /} (encoded as %2F). */
    HttpUrl url(String path, String segment, Map<String, String> query) {
        HttpUrl plain = url(path, query);
        HttpUrl.Builder u = plain.newBuilder();
        u.addPathSegment(segment);
        return u.build();
    }

    /**
     * Sends the request, retrying retryable failures until {@code deadline}. Returns any answer
     * that is not retryable (200, 404, 400, semantic 500s such as "invalid session").
     */
    ConsulResponse call(String method, HttpUrl url, String body, Deadline deadline)
            throws ConsulUnavailableException, InterruptedException {
        Backoff backoff = Backoff.initial();
        String last = "no attempt made, deadline already passed";
        while (!deadline.expired()) {
            try {
                ConsulResponse r = once(client, method, url, body, deadline.remaining());
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
    ConsulResponse blocking(HttpUrl url, Duration httpTimeout, WatchCancel cancel)
            throws IOException, ConsulUnavailableException {
        ConsulResponse r = once(watchClient, "GET", url, null, httpTimeout, cancel);
        if (r.code() == 403) {
            throw aclError(url, r);
        }
        return r;
    }

    private ConsulResponse once(OkHttpClient c, String method, HttpUrl url, String body, Duration budget)
            throws IOException {
        return once(c, method, url, body, budget, WatchCancel.NEVER);
    }

    private ConsulResponse once(OkHttpClient c, String method, HttpUrl url, String body, Duration budget,
                                WatchCancel cancel) throws IOException {
        Request.Builder rb = new Request.Builder().url(url);
        if (token != null) {
            rb.header("X-Consul-Token", token);
        }
        rb.method(method, body == null && !method.equals("PUT") ? null : RequestBody.create(body == null ? "" : body, TEXT));
        Call call = c.newCall(rb.build());
        call.timeout().timeout(Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS);
        try (WatchCancel.Registration ignored = cancel.onCancel(call::cancel); Response resp = call.execute()) {
            ResponseBody rbody = resp.body();
            String text = rbody == null ? "" : rbody.string();
            String idx = resp.header("X-Consul-Index");
            long index = -1;
            if (idx != null) {
                try {
                    index = Long.parseLong(idx.strip());
                } catch (NumberFormatException e) {
                    LOG.warn("Consul sent a non-numeric X-Consul-Index '{}'", idx);
                }
            }
            return new ConsulResponse(resp.code(), text, index);
        }
    }

    /** 500s that are answers, not outages: retrying cannot change them. */
    private static boolean isSemantic(ConsulResponse r) {
        String b = r.body().toLowerCase(Locale.ROOT);
        return b.contains("invalid session") || b.contains("session ttl") || b.contains("missing check");
    }

    private ConsulUnavailableException aclError(HttpUrl url, ConsulResponse r) {
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

    private static String redact(HttpUrl url) {
        return url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
    }

    @Override
    public void close() {
        root.dispatcher().executorService().shutdown();
        root.connectionPool().evictAll();
    }
}
