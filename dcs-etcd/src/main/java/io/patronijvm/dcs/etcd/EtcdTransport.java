package io.patronijvm.dcs.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.Sleeper;
import okhttp3.Call;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
    private static final MediaType JSON = MediaType.get("application/json");
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);

    private final Etcd3Config cfg;
    private final EtcdEndpoints endpoints;
    private final Sleeper sleeper;
    private final OkHttpClient client;
    private volatile Duration retryTimeout;
    private volatile String apiPrefix;
    private volatile String token;
    private volatile boolean membersLearned;

    EtcdTransport(Etcd3Config cfg, List<String> initialEndpoints, Sleeper sleeper, Duration retryTimeout) {
        this.cfg = cfg;
        this.endpoints = new EtcdEndpoints(initialEndpoints, cfg.useProxies());
        this.sleeper = sleeper;
        this.retryTimeout = retryTimeout;
        OkHttpClient.Builder b = new OkHttpClient.Builder().retryOnConnectionFailure(false)
                .connectTimeout(MIN_ATTEMPT).readTimeout(Duration.ZERO).writeTimeout(MIN_ATTEMPT)
                .callTimeout(retryTimeout);
        if ("https".equalsIgnoreCase(cfg.protocol())) {
            EtcdTls.Setup tls = EtcdTls.build(cfg);
            b.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
        } else if (initialEndpoints.stream().allMatch(e -> e.regionMatches(true, 0, "http:", 0, 5))) {
            // Plain HTTP never needs TLS: without this OkHttp loads the platform trust store
            // (every CA certificate) when the client is built, on every start. (SRV records of
            // _etcd-client-ssl give https members with protocol http: those keep TLS.)
            b.connectionSpecs(List.of(okhttp3.ConnectionSpec.CLEARTEXT));
        }
        this.client = b.build();
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

    /** An open watch stream: closing it ends the cancel hook's registration and the response. */
    record WatchStream(Response response, WatchCancel.Registration registration) implements AutoCloseable {
        @Override
        public void close() {
            try (registration) {
                response.close();
            }
        }
    }

    /**
     * The streaming watch request on the preferred member; the caller reads and closes the stream.
     * {@code cancel} aborts the call (the read then fails with an IOException) until then.
     */
    WatchStream openWatch(Map<String, Object> body, Deadline d, WatchCancel cancel) throws IOException, EtcdErrorException {
        String base = endpoints.preferred();
        ensureReady(base, d);
        Duration timeout = d.remaining();
        Call call = client.newCall(request(base, apiPrefix + "/watch", body));
        call.timeout().timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        WatchCancel.Registration reg = cancel.onCancel(call::cancel);
        try {
            Response r = call.execute();
            if (r.code() >= 400) {
                try (r) {
                    throw error(r.code(), r.body() == null ? "" : r.body().string(), "/watch");
                }
            }
            return new WatchStream(r, reg);
        } catch (IOException | EtcdErrorException | RuntimeException e) {
            reg.close();
            throw e;
        }
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
        Call call = client.newCall(new Request.Builder().url(base + "/version").get().build());
        call.timeout().timeout(Math.max(1, d.remainingCappedAt(perAttempt(1)).toMillis()), TimeUnit.MILLISECONDS);
        try (Response r = call.execute()) {
            String text = r.body() == null ? "" : r.body().string();
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

    private JsonView post(String base, String path, Map<String, Object> body, Duration budget)
            throws IOException, EtcdErrorException {
        Call call = client.newCall(request(base, path, body));
        call.timeout().timeout(Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS);
        try (Response r = call.execute()) {
            ResponseBody rb = r.body();
            String text = rb == null ? "" : rb.string();
            if (r.code() >= 400) {
                throw error(r.code(), text, path);
            }
            try {
                return EtcdJson.tree(text.isBlank() ? "{}" : text);
            } catch (JsonProcessingException e) {
                throw new IOException(base + path + " answered HTTP " + r.code() + " with non-JSON: " + text);
            }
        }
    }

    private Request request(String base, String path, Map<String, Object> body) {
        Request.Builder rb = new Request.Builder().url(base + path)
                .post(RequestBody.create(EtcdJson.compact(body), JSON));
        String t = token;
        if (t != null && !t.isEmpty()) {
            rb.header("Authorization", t);
        }
        return rb.build();
    }

    /** The gateway's error body: {@code {"error":"...","code":N,"message":"..."}}. */
    private static EtcdErrorException error(int http, String text, String path) {
        int code = http == 503 ? 14 : 2;
        String msg = text.strip();
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
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
