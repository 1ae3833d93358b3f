package io.patronijvm.agent.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.time.MonotonicClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration connectTimeout;
    /** The TLS context for https members, or null for the JDK's default. */
    private final Supplier<javax.net.ssl.SSLContext> tls;
    private volatile HttpClient http;
    private final MonotonicClock clock;
    /** Basic auth for the unsafe endpoints of the peers ({@code POST /failsafe}), or null. */
    private final String authorization;

    /** {@code clock} bounds the wait for all answers (style guideline 9: time is injected). */
    public HttpPeerClient(Duration connectTimeout, MonotonicClock clock) {
        this(connectTimeout, clock, null, null, (Supplier<javax.net.ssl.SSLContext>) null);
    }

    public HttpPeerClient(Duration connectTimeout, MonotonicClock clock, String username, String password) {
        this(connectTimeout, clock, username, password, (Supplier<javax.net.ssl.SSLContext>) null);
    }

    /**
     * With the credentials Patroni sends to its peers ({@code ctl.authentication}, else
     * {@code restapi.authentication}): every node's unsafe endpoints demand them.
     *
     * @param tls for https members ({@link PeerTls}), or null for the JDK's default
     */
    public HttpPeerClient(Duration connectTimeout, MonotonicClock clock, String username, String password,
                          javax.net.ssl.SSLContext tls) {
        this(connectTimeout, clock, username, password, tls == null ? null : () -> tls);
    }

    /**
     * As above with the TLS context made on first use: the JDK client and TLS (some 500 classes
     * and the trust store) are only loaded once the agent talks to a peer, which a healthy
     * cluster's replica may never do, and never on the way to the REST API and member key.
     */
    public HttpPeerClient(Duration connectTimeout, MonotonicClock clock, String username, String password,
                          Supplier<javax.net.ssl.SSLContext> tls) {
        this.clock = clock;
        this.connectTimeout = connectTimeout;
        this.tls = tls;
        this.authorization = username == null || password == null ? null : "Basic " + java.util.Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpClient http() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout)
                            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER);
                    javax.net.ssl.SSLContext context = tls == null ? null : tls.get();
                    if (context != null) {
                        b.sslContext(context);
                    }
                    c = b.build();
                    http = c;
                }
            }
        }
        return c;
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
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("failsafe body not serialisable: " + e.getMessage(), e);
        }
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
        HttpRequest req;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(HttpUris.of(failsafeUri(apiUrl))).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            req = b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.completedFuture(false);
        }
        return http().sendAsync(req, HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> r.statusCode() == 200)
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
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(HttpUris.of(m.api().get())).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(PeerStatus.unreachable(m.name()));
        }
        return http().sendAsync(req, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> parse(m.name(), r.statusCode(), r.body()))
                .exceptionally(t -> PeerStatus.unreachable(m.name()));
    }

    /** Reduces a {@code GET /patroni} answer to what the race needs; package-private for tests. */
    static PeerStatus parse(String name, int status, String body) {
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode xlog = n.path("xlog");
            // Patroni answers 503 on /patroni with a valid body when PG is not running; the body counts.
            if (n.isMissingNode() || !n.isObject() || (status != 200 && xlog.isMissingNode())) {
                return PeerStatus.unreachable(name);
            }
            boolean primary = Role.parse(n.path("role").asText(null)).map(r -> r == Role.PRIMARY).orElse(false)
                    || xlog.has("location");
            long wal = xlog.has("location") ? xlog.path("location").asLong(-1)
                    : Math.max(xlog.path("received_location").asLong(-1), xlog.path("replayed_location").asLong(-1));
            Map<String, Object> tags = JSON.convertValue(n.path("tags"), Map.class);
            Tags t = new Tags(tags);
            return new PeerStatus(name, !xlog.isMissingNode(), primary, wal, n.path("timeline").asInt(0),
                    t.noFailover(), t.failoverPriority(), n.path("watchdog_failed").asBoolean(false));
        } catch (Exception e) {
            return PeerStatus.unreachable(name);
        }
    }
}
