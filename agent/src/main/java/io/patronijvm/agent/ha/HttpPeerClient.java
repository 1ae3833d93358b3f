package io.patronijvm.agent.ha;

import io.patronijvm.agent.json.PlainJson;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.http.HttpCall;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code GET <api_url>} ({@code /patroni}) on every member in parallel (R23.11), each bounded by
 * the connect and request timeout, so a dead peer costs one timeout, not one per peer.
 * Failures of any kind come back as {@link PeerStatus#unreachable}.
 */
public final class HttpPeerClient implements PeerClient {

    private static final String JSON_TYPE = "application/json";
    /** PeerTls checks the chain only: Patroni's peers are called without assert_hostname. */
    private static final HostnameVerifier ANY_HOST = (host, session) -> true;

    /*
     * The JDK's HttpURLConnection (HttpCall), as the DCS adapters use it, rather than java.net.http,
     * which makes the default TLS context (the trust store, some 500 classes) when built even for
     * http members, and starts a selector thread. Nothing of TLS is loaded for http members; the
     * TLS factory is made on the first https member. No redirects or proxy, as before.
     */
    private final Duration connectTimeout;
    /** The TLS set-up for https members ({@link PeerTls}), or null for the JDK's defaults. */
    private final Supplier<PeerTls.Setup> tls;
    /** Made on the first https member; one instance, so the JDK pools its connections. */
    private volatile SSLSocketFactory secure;
    /** The calls to several members run in parallel here; threads end after 30 s without work. */
    private volatile ExecutorService workers;
    private final MonotonicClock clock;
    /** Basic auth for the unsafe endpoints of the peers ({@code POST /failsafe}), or null. */
    private final String authorization;

    /** {@code clock} bounds the wait for all answers (style guideline 9: time is injected). */
    public HttpPeerClient(Duration connectTimeout, MonotonicClock clock) {
        this(connectTimeout, clock, null, null, null);
    }

    public HttpPeerClient(Duration connectTimeout, MonotonicClock clock, String username, String password) {
        this(connectTimeout, clock, username, password, null);
    }

    /**
     * With the credentials Patroni sends to its peers ({@code ctl.authentication}, else
     * {@code restapi.authentication}): every node's unsafe endpoints demand them.
     *
     * @param tls for https members ({@link PeerTls#onDemand}), asked on the first https member;
     *            null for the JDK's default trust store and host name check
     */
    public HttpPeerClient(Duration connectTimeout, MonotonicClock clock, String username, String password,
                          Supplier<PeerTls.Setup> tls) {
        this.clock = clock;
        this.tls = tls;
        this.authorization = username == null || password == null ? null : "Basic " + java.util.Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        this.connectTimeout = connectTimeout;
    }

    private SSLSocketFactory factory() {
        SSLSocketFactory f = secure;
        if (f == null && tls != null) {
            synchronized (this) {
                f = secure;
                if (f == null) {
                    PeerTls.Setup setup = tls.get();
                    f = setup == null ? null : setup.context().getSocketFactory();
                    secure = f;
                }
            }
        }
        return f;
    }

    private ExecutorService workers() {
        ExecutorService e = workers;
        if (e == null) {
            synchronized (this) {
                e = workers;
                if (e == null) {
                    AtomicInteger n = new AtomicInteger();
                    e = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, "peer-http-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    workers = e;
                }
            }
        }
        return e;
    }

    /**
     * Sends the request within {@code timeout} on a worker; the future's cancel aborts the call.
     * The body, when any, is buffered, so the JDK sends the request once more on a fresh connection
     * when a pooled one turns out closed before any answer (it does that for POST too, with
     * {@code sun.net.http.retryPost} at its default): peers close kept-alive connections they find
     * idle (our REST server after 10 s), and a probe that failed on that would count a healthy
     * member as unreachable (a switchover without candidates, 5c88630). Resending is safe for both
     * requests made here: GET /patroni reads, and POST /failsafe only records the same leader state.
     */
    private CompletableFuture<HttpCall.Reply> send(URI uri, String method, byte[] body, Duration timeout) {
        HttpCall call;
        try {
            call = new HttpCall(uri, Proxy.NO_PROXY, connectTimeout, timeout, timeout).followRedirects(false);
            if ("https".equalsIgnoreCase(uri.getScheme())) {
                SSLSocketFactory f = factory();
                call.tls(f, f == null ? null : ANY_HOST);
            }
            if (body != null && authorization != null) {
                call.header("Authorization", authorization);
            }
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<HttpCall.Reply> f = CompletableFuture.supplyAsync(() -> {
            try {
                return call.send(method, body, JSON_TYPE, true);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, workers());
        f.whenComplete((r, t) -> {
            if (f.isCancelled()) {
                call.abort("cancelled");
            }
        });
        return f;
    }

    @Override
    public Map<String, PeerStatus> probe(List<Member> members, Duration timeout) throws InterruptedException {
        Map<String, CompletableFuture<PeerStatus>> pending = new LinkedHashMap<>();
        for (Member m : members) {
            pending.put(m.name(), start(m, timeout));
        }
        long deadline = clock.nanoTime() + timeout.toNanos() + Duration.ofMillis(200).toNanos();
        Map<String, PeerStatus> out = new LinkedHashMap<>();
        for (var e : pending.entrySet()) {
            long left = Math.max(0, deadline - clock.nanoTime());
            try {
                out.put(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (ExecutionException | TimeoutException ex) {
                e.getValue().cancel(true);
                out.put(e.getKey(), PeerStatus.unreachable(e.getKey()));
            } catch (InterruptedException ex) {
                pending.values().forEach(f -> f.cancel(true));
                throw ex;
            }
        }
        return out;
    }

    /** R41: POST /failsafe to all in parallel, 2 attempts each within the timeout; true when all answered 200. */
    @Override
    public boolean confirmFailsafe(Map<String, String> apiUrls, Map<String, Object> body, Duration timeout)
            throws InterruptedException {
        String json = PlainJson.write(body);
        Map<String, CompletableFuture<Boolean>> pending = new LinkedHashMap<>();
        apiUrls.forEach((name, api) -> pending.put(name, post(api, json, timeout)
                .thenCompose(ok -> ok ? CompletableFuture.completedFuture(true) : post(api, json, timeout))));
        long deadline = clock.nanoTime() + 2 * timeout.toNanos() + Duration.ofMillis(200).toNanos();
        boolean all = true;
        for (var e : pending.entrySet()) {
            long left = Math.max(0, deadline - clock.nanoTime());
            try {
                all &= e.getValue().get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException ex) {
                e.getValue().cancel(true);
                all = false;
            } catch (InterruptedException ex) {
                pending.values().forEach(f -> f.cancel(true));
                throw ex;
            }
        }
        return all;
    }

    private CompletableFuture<Boolean> post(String apiUrl, String json, Duration timeout) {
        URI uri;
        try {
            uri = HttpUris.of(failsafeUri(apiUrl));
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.completedFuture(false);
        }
        return send(uri, "POST", json.getBytes(StandardCharsets.UTF_8), timeout).thenApply(r -> r.code() == 200)
                .exceptionally(t -> false);
    }

    /** {@code http://h:8008/patroni} to {@code http://h:8008/failsafe}; package-private for tests. */
    static URI failsafeUri(String apiUrl) {
        URI u = URI.create(apiUrl);
        String path = u.getPath() == null ? "" : u.getPath();
        int slash = path.lastIndexOf('/');
        String base = slash < 0 ? "" : path.substring(0, slash);
        return u.resolve(URI.create(u.getScheme() + "://" + u.getRawAuthority() + base + "/failsafe"));
    }

    private CompletableFuture<PeerStatus> start(Member m, Duration timeout) {
        if (m.api().isEmpty()) {
            return CompletableFuture.completedFuture(PeerStatus.unreachable(m.name()));
        }
        URI uri;
        try {
            uri = HttpUris.of(m.api().get());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(PeerStatus.unreachable(m.name()));
        }
        return send(uri, "GET", null, timeout).thenApply(r -> parse(m.name(), r.code(), r.body())).exceptionally(t -> PeerStatus.unreachable(m.name()));
    }

    /** Reduces a {@code GET /patroni} answer to what the race needs; package-private for tests. */
    static PeerStatus parse(String name, int status, String body) {
        try {
            JsonView n = PlainJson.view(body);
            JsonView xlog = n.path("xlog");
            // Patroni answers 503 on /patroni with a valid body when PG is not running; the body counts.
            if (!n.isObject() || (status != 200 && xlog.isMissing())) {
                return PeerStatus.unreachable(name);
            }
            boolean primary = Role.parse(n.path("role").asText(null)).map(r -> r == Role.PRIMARY).orElse(false)
                    || xlog.has("location");
            long wal = xlog.has("location") ? xlog.path("location").asLong(-1)
                    : Math.max(xlog.path("received_location").asLong(-1), xlog.path("replayed_location").asLong(-1));
            JsonView tags = n.path("tags");
            if (!tags.isMissing() && !tags.isNull() && !tags.isObject()) {
                return PeerStatus.unreachable(name); // not a Patroni status body
            }
            Tags t = new Tags(tags.fields());
            return new PeerStatus(name, !xlog.isMissing(), primary, wal, n.path("timeline").asInt(0),
                    t.noFailover(), t.failoverPriority(), n.path("watchdog_failed").asBoolean(false));
        } catch (Exception e) {
            return PeerStatus.unreachable(name);
        }
    }
}
