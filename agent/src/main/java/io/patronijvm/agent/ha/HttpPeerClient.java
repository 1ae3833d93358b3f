package io.patronijvm.agent.ha;

import io.patronijvm.agent.json.PlainJson;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.time.MonotonicClock;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code GET <api_url>} ({@code /patroni}) on every member in parallel (R23.11), each bounded by
 * the connect and request timeout, so a dead peer costs one timeout, not one per peer.
 * Failures of any kind come back as {@link PeerStatus#unreachable}.
 */
public final class HttpPeerClient implements PeerClient {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");

    /**
     * OkHttp, the client the DCS adapters already run (warm in the AOT cache), rather than the
     * JDK's java.net.http: that one makes the default TLS context (the trust store, some 500
     * classes) when built even for http members, and built on first use it made the first leader
     * race after a start load them from the jar. Plain http members go through a client that
     * cannot do TLS, so nothing of TLS is loaded for them; the TLS client is made on the first
     * https member.
     */
    private final OkHttpClient cleartext;
    /** The TLS set-up for https members ({@link PeerTls}), or null for the JDK's defaults. */
    private final Supplier<PeerTls.Setup> tls;
    private volatile OkHttpClient secure;
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
        // No redirects or proxy, HTTP/1.1, as the JDK client was configured before. One retry on a
        // fresh connection when a pooled one turns out closed, as the JDK client also did: peers close
        // kept-alive connections they find idle (our REST server after 10 s), and a probe that failed
        // on that would count a healthy member as unreachable (a switchover without candidates).
        this.cleartext = new OkHttpClient.Builder().connectTimeout(connectTimeout).retryOnConnectionFailure(true)
                .followRedirects(false).followSslRedirects(false).proxy(Proxy.NO_PROXY)
                .protocols(List.of(Protocol.HTTP_1_1)).connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
    }

    private OkHttpClient client(HttpUrl url) {
        if (!url.isHttps()) {
            return cleartext;
        }
        OkHttpClient c = secure;
        if (c == null) {
            synchronized (this) {
                c = secure;
                if (c == null) {
                    OkHttpClient.Builder b = cleartext.newBuilder()
                            .connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT));
                    PeerTls.Setup setup = tls == null ? null : tls.get();
                    if (setup != null) {
                        b.sslSocketFactory(setup.context().getSocketFactory(), setup.trustManager());
                        // PeerTls checks the chain only: Patroni's peers are called without assert_hostname.
                        b.hostnameVerifier((host, session) -> true);
                    }
                    c = b.build();
                    secure = c;
                }
            }
        }
        return c;
    }

    /** Sends {@code request} within {@code timeout}; the future's cancel cancels the call. */
    private CompletableFuture<Response> send(Request request, Duration timeout) {
        Call call = client(request.url()).newCall(request);
        call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<Response> f = new CompletableFuture<>();
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                f.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call c, Response r) {
                if (!f.complete(r)) {
                    r.close();
                }
            }
        });
        f.whenComplete((r, t) -> {
            if (f.isCancelled()) {
                call.cancel();
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
        Request req;
        try {
            Request.Builder b = new Request.Builder().url(HttpUrl.get(HttpUris.of(failsafeUri(apiUrl)).toString()))
                    .post(RequestBody.create(json, JSON_TYPE));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            req = b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.completedFuture(false);
        }
        return send(req, timeout).thenApply(r -> {
            try (r) {
                return r.code() == 200;
            }
        }).exceptionally(t -> false);
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
        Request req;
        try {
            req = new Request.Builder().url(HttpUrl.get(HttpUris.of(m.api().get()).toString())).get().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(PeerStatus.unreachable(m.name()));
        }
        return send(req, timeout).thenApply(r -> {
            try (r) {
                return parse(m.name(), r.code(), r.body() == null ? "" : r.body().string());
            } catch (IOException e) {
                return PeerStatus.unreachable(m.name());
            }
        }).exceptionally(t -> PeerStatus.unreachable(m.name()));
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
