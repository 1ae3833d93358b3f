package io.patronijvm.dcs.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.http.HttpCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP to etcd's v3 JSON gateway with Patroni's failover among members
 * ({@code AbstractEtcdClientWithFailover}): a request goes to the preferred member; on a
 * connection error, a timeout or a gRPC Unavailable / DeadlineExceeded / FailedPrecondition answer
 * it moves on to the next member at once, and after a round with no answer it backs off (100 ms
 * doubling to 1 s, jittered) and starts again, all inside the caller's deadline of one
 * {@code retry_timeout}. Each attempt gets {@code retry_timeout / members} (at least 1 s), so one
 * hung member cannot eat the whole budget. Any other error is an answer ({@link EtcdErrorException}).
 *
 * <p>The API prefix follows the cluster version ({@code /v3} from 3.4, {@code /v3beta} on 3.3;
 * older clusters are refused), and with {@code username}/{@code password} every call carries the
 * token from {@code /auth/authenticate}, renewed once when etcd says it is invalid.
 */
final class EtcdTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdTransport.class);
    private static final String JSON = "application/json";
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);

    private final Etcd3Config cfg;
    private final EtcdEndpoints endpoints;
    private final Sleeper sleeper;
    /** For https: from the etcd3 settings when protocol is https, else null (the JDK's defaults). */
    private final SSLSocketFactory tls;
    /** Reads watch streams, so a cancel returns the watching thread at once (see {@link #watch}). */
    private volatile ExecutorService watchReaders;
    private volatile Duration retryTimeout;
    private volatile String apiPrefix;
    private volatile String token;
    private volatile boolean membersLearned;

    EtcdTransport(Etcd3Config cfg, List<String> initialEndpoints, Sleeper sleeper, Duration retryTimeout) {
        this.cfg = cfg;
        this.endpoints = new EtcdEndpoints(initialEndpoints, cfg.useProxies());
        this.sleeper = sleeper;
        this.retryTimeout = retryTimeout;
        // protocol http with every endpoint http never loads TLS; SRV records of _etcd-client-ssl
        // give https members with protocol http, which get the JDK's default trust store.
        this.tls = "https".equalsIgnoreCase(cfg.protocol()) ? EtcdTls.build(cfg).context().getSocketFactory() : null;
    }

    void applyTimeout(Duration rt) {
        retryTimeout = rt;
    }

    EtcdEndpoints endpoints() {
        return endpoints;
    }

    /** One unary call ({@code /kv/range}, {@code /lease/grant} ...), failing over among members until {@code d}. */
    JsonView call(String method, Map<String, Object> body, Deadline d)
            throws EtcdUnavailableException, EtcdErrorException, InterruptedException {
        try {
            return callOnce(method, body, d);
        } catch (EtcdErrorException e) {
            if (!e.authRetryable() || cfg.username() == null || cfg.password() == null) {
                throw e;
            }
            LOG.info("etcd refused our auth token ({}); authenticating again", e.error());
            token = null;
            return callOnce(method, body, d);
        }
    }

    private JsonView callOnce(String method, Map<String, Object> body, Deadline d)
            throws EtcdUnavailableException, EtcdErrorException, InterruptedException {
        Duration backoff = Duration.ofMillis(100);
        String last = "no attempt made, deadline already passed";
        while (!d.expired()) {
            List<String> order = endpoints.inOrder();
            Duration perAttempt = perAttempt(order.size());
            for (String base : order) {
                if (d.expired()) {
                    break;
                }
                try {
                    ensureReady(base, d);
                    JsonView out = post(base, apiPrefix + method, body, d.remainingCappedAt(perAttempt));
                    if (endpoints.prefer(base)) {
                        LOG.info("Selected new etcd server {}", base);
                    }
                    learnMembers(base, d);
                    return out;
                } catch (EtcdErrorException e) {
                    if (!retryable(e)) {
                        throw e;
                    }
                    last = base + ": " + e.getMessage();
                } catch (InterruptedIOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("etcd call interrupted: " + method);
                    }
                    last = base + ": timeout (" + e.getMessage() + ")";
                } catch (IOException e) {
                    last = base + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                LOG.debug("etcd {} failed on {}, trying the next member", method, last);
            }
            Duration delay = Duration.ofNanos((long) (backoff.toNanos() * (0.5 + 0.5 * ThreadLocalRandom.current()
                    .nextDouble())));
            if (d.remaining().compareTo(delay) <= 0) {
                break;
            }
            sleeper.sleep(delay);
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
                    : backoff.multipliedBy(2);
        }
        throw new EtcdUnavailableException("etcd " + method + " got no usable answer from " + endpoints.inOrder()
                + " within the retry_timeout deadline; last error: " + last);
    }

    /** Patroni's {@code _calculate_timeouts}: the budget split among members, at least a second each. */
    private Duration perAttempt(int members) {
        Duration share = retryTimeout.dividedBy(Math.max(1, members));
        return share.compareTo(MIN_ATTEMPT) < 0 ? MIN_ATTEMPT : share;
    }

    /** Cluster unavailable for now: leader election, no quorum, or a member that is not ready. */
    private static boolean retryable(EtcdErrorException e) {
        return e.code() == 14 || e.code() == 4 || e.code() == EtcdErrorException.FAILED_PRECONDITION
                && !e.error().contains("authentication is not enabled");
    }

    /** Reads one line of a watch stream: non-null ends the watch with that answer. */
    @FunctionalInterface
    interface LineReader {
        Boolean line(String line) throws IOException, EtcdErrorException;
    }

    /**
     * The streaming watch request on the preferred member, its lines handed to {@code reader} until
     * it answers; null when the stream ended first. Ends at {@code d} (a SocketTimeoutException) and
     * at once when {@code cancel} fires (an IOException). The stream is read on a worker thread: the
     * JDK cannot abort a blocked body read from another thread (it holds a lock that a disconnect
     * waits for), so a cancel returns this thread at once and the worker ends at its next read.
     */
    Boolean watch(Map<String, Object> body, Deadline d, WatchCancel cancel, LineReader reader)
            throws IOException, EtcdErrorException, InterruptedException {
        String base = endpoints.preferred();
        ensureReady(base, d);
        Duration timeout = d.remaining();
        HttpCall call = call(base, apiPrefix + "/watch", MIN_ATTEMPT, timeout, timeout);
        byte[] bytes = EtcdJson.compact(body).getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        try (WatchCancel.Registration ignored = cancel.onCancel(() -> {
            call.abort("cancelled");
            result.completeExceptionally(new IOException(base + "/watch: cancelled"));
        })) {
            readers().execute(() -> {
                try {
                    result.complete(stream(call, bytes, reader));
                } catch (IOException | EtcdErrorException | RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    call.close();
                }
            });
            return result.get(timeout.toNanos() + MIN_BLOCK_SLACK.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.abort("no complete answer within the deadline");
            throw new SocketTimeoutException(base + "/watch: no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.abort("interrupted");
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof EtcdErrorException ee) {
                throw ee;
            }
            throw new IOException(base + "/watch: " + e.getCause(), e.getCause());
        }
    }

    /** A little beyond the stream's own deadline, which the worker enforces after each read. */
    private static final Duration MIN_BLOCK_SLACK = Duration.ofMillis(200);

    private static Boolean stream(HttpCall call, byte[] body, LineReader reader) throws IOException, EtcdErrorException {
        int code = call.openStream("POST", body, JSON);
        InputStream in = call.stream(code);
        if (code >= 400) {
            throw error(code, call.text(in), "/watch");
        }
        if (in == null) {
            return null;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = call.readSome(in, buf)) >= 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] != '\n') {
                    line.write(buf[i]);
                    continue;
                }
                Boolean answer = reader.line(line.toString(StandardCharsets.UTF_8));
                line.reset();
                if (answer != null) {
                    return answer;
                }
            }
        }
        return line.size() == 0 ? null : reader.line(line.toString(StandardCharsets.UTF_8));
    }

    private ExecutorService readers() {
        ExecutorService e = watchReaders;
        if (e == null) {
            synchronized (this) {
                e = watchReaders;
                if (e == null) {
                    AtomicInteger n = new AtomicInteger();
                    e = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                            r -> {
                                Thread t = new Thread(r, "etcd-watch-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
                    watchReaders = e;
                }
            }
        }
        return e;
    }

    private HttpCall call(String base, String path, Duration connect, Duration read, Duration total) throws IOException {
        HttpCall call;
        try {
            call = new HttpCall(URI.create(base + path), null, connect, read, total).tls(tls, null);
        } catch (IllegalArgumentException e) {
            throw new IOException(base + path + " is not a usable URL: " + e.getMessage(), e);
        }
        String t = token;
        if (t != null && !t.isEmpty()) {
            call.header("Authorization", t);
        }
        return call;
    }

    private void ensureReady(String base, Deadline d) throws IOException, EtcdErrorException {
        if (apiPrefix == null) {
            apiPrefix = detectPrefix(base, d);
        }
        if (token == null && cfg.username() != null && cfg.password() != null) {
            authenticate(base, d);
        }
    }

    /** {@code GET /version}: which gateway prefix this cluster serves. */
    private String detectPrefix(String base, Deadline d) throws IOException, EtcdErrorException {
        Duration budget = d.remainingCappedAt(perAttempt(1));
        HttpCall.Reply r = new HttpCall(URI.create(base + "/version"), null, MIN_ATTEMPT, budget, budget).tls(tls, null)
                .send("GET", null, null, true);
        try {
            String text = r.body();
            String cluster = EtcdJson.tree(text).path("etcdcluster").asText("");
            String[] parts = cluster.split("\\.");
            int major = parts.length > 1 ? Integer.parseInt(parts[0]) : 0;
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            if (major == 3 && minor == 3) {
                return "/v3beta";
            }
            if (major < 3 || major == 3 && minor < 3) {
                throw new EtcdErrorException(12, "etcd cluster version '" + cluster + "' is older than 3.3, which "
                        + "patroni-jvm does not support", base + "/version");
            }
            return "/v3";
        } catch (NumberFormatException | JsonProcessingException e) {
            throw new IOException(base + "/version answered something that is not an etcd version: " + e.getMessage());
        }
    }

    private void authenticate(String base, Deadline d) throws IOException, EtcdErrorException {
        Map<String, Object> b = EtcdJson.object("name", cfg.username(), "password", cfg.password());
        try {
            JsonView r = post(base, apiPrefix + "/auth/authenticate", b, d.remainingCappedAt(perAttempt(1)));
            token = r.path("token").asText(null);
            LOG.info("authenticated on etcd as {}", cfg.username());
        } catch (EtcdErrorException e) {
            if (e.error().contains("authentication is not enabled")) {
                LOG.info("etcd authentication is not enabled; continuing without a token");
                token = "";
                return;
            }
            throw e;
        }
    }

    /** The cluster's member list, once, so a client configured with one member knows the others. */
    private void learnMembers(String base, Deadline d) {
        if (membersLearned || endpoints.useProxies()) {
            return;
        }
        membersLearned = true;
        try {
            JsonView r = post(base, apiPrefix + "/cluster/member/list", EtcdJson.object(), d.remainingCappedAt(
                    MIN_ATTEMPT));
            List<String> urls = new ArrayList<>();
            r.path("members").forEach(m -> m.path("clientURLs").forEach(u -> urls.add(u.asText(""))));
            endpoints.learned(urls);
            LOG.debug("etcd members: {}", urls);
        } catch (IOException | EtcdErrorException e) {
            membersLearned = false;
            LOG.debug("could not read etcd's member list from {}: {}", base, e.getMessage());
        }
    }

    /**
     * One POST. Streamed, so the JDK never sends it a second time by itself: a txn or a lease grant
     * repeated after an answer that got lost would report a write that succeeded as refused (or
     * leak a lease). Retrying, on the next member, is {@link #callOnce}'s decision.
     */
    private JsonView post(String base, String path, Map<String, Object> body, Duration budget)
            throws IOException, EtcdErrorException {
        HttpCall.Reply r = call(base, path, MIN_ATTEMPT, budget, budget)
                .send("POST", EtcdJson.compact(body).getBytes(StandardCharsets.UTF_8), JSON, false);
        String text = r.body();
        if (r.code() >= 400) {
            throw error(r.code(), text, path);
        }
        try {
            return EtcdJson.tree(text.isBlank() ? "{}" : text);
        } catch (JsonProcessingException e) {
            throw new IOException(base + path + " answered HTTP " + r.code() + " with non-JSON: " + text);
        }
    }

    /** The gateway's error body: {@code {"error":"...","code":N,"message":"..."}}. */
    private static EtcdErrorException error(int http, String text, String path) {
        // 401: a streamed request keeps no body (HttpCall), and the gateway answers 401 only for gRPC's Unauthenticated.
        int code = http == 503 ? 14 : http == 401 ? EtcdErrorException.UNAUTHENTICATED : 2;
        String msg = http == 401 && !text.strip().startsWith("{") ? "invalid or expired auth token (HTTP 401)" : text.strip();
        try {
            JsonView n = EtcdJson.tree(text);
            JsonView err = n.path("error");
            if (err.isObject()) { // streaming calls nest it
                code = err.path("grpc_code").asInt(code);
                msg = err.path("message").asText(msg);
            } else {
                code = n.path("code").asInt(code);
                msg = n.path("error").asText(n.path("message").asText(msg));
            }
        } catch (JsonProcessingException e) {
            // not JSON (a proxy's error page): keep the text
        }
        return new EtcdErrorException(code, msg, path + " HTTP " + http);
    }

    @Override
    public void close() {
        ExecutorService e = watchReaders;
        if (e != null) {
            e.shutdown();
        }
    }
}
