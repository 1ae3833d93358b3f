package io.patronijvm.dcs.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.ha.LeaseMath;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our Consul session (spec 2.3): {@code <scope>-<name>}, TTL = ttl/2, behavior delete,
 * lock-delay 0.001 s, checks from the configuration (default none, so the session lives by TTL
 * only). "Gone" (404 on renew) is a different answer from "request failed": the first clears the
 * session and is reported, the second throws. Only writers create sessions; readers never do.
 * Guarded by the owning {@link ConsulDcs}'s lock.
 */
final class ConsulSession {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulSession.class);

    enum Renewal { RENEWED, GONE, NO_SESSION }

    private final ConsulTransport http;
    private final MonotonicClock clock;
    private final String name;
    private final List<String> checks;
    private String id;
    /** Set when the server told us the session is gone; cleared when a new one is created. */
    private boolean lost;
    private long lastRenewNanos;
    private long ttlMillis;

    ConsulSession(ConsulTransport http, MonotonicClock clock, String name, List<String> checks, int ttl) {
        this.http = http;
        this.clock = clock;
        this.name = name;
        this.checks = List.copyOf(checks);
        this.ttlMillis = LeaseMath.sessionTtlMillis(ttl);
    }

    String id() {
        return id;
    }

    /** The session TTL we ask for (or the server's minimum, when it refused ours). */
    long ttlMillis() {
        return ttlMillis;
    }

    /** A changed ttl: forget the session (it expires on the server by itself) and use the new TTL. */
    boolean applyTtl(int ttl) {
        long wanted = LeaseMath.sessionTtlMillis(ttl);
        if (wanted == ttlMillis) {
            return false;
        }
        ttlMillis = wanted;
        id = null;
        return true;
    }

    void forget() {
        id = null;
    }

    /** True when our last renewal learned that the session is gone and none was created since. */
    boolean lost() {
        return lost;
    }

    /** Our session id, created first when we have none. */
    String ensure(Deadline d) throws ConsulUnavailableException, InterruptedException {
        if (id == null) {
            create(d);
        }
        return id;
    }

    /** Renews when forced or when the last renewal is older than half the session TTL. */
    Renewal renew(boolean force, Deadline d) throws ConsulUnavailableException, InterruptedException {
        if (id == null) {
            return Renewal.NO_SESSION;
        }
        if (!force && clock.nanoTime() - lastRenewNanos < ttlMillis * 500_000L) {
            return Renewal.RENEWED;
        }
        long started = clock.nanoTime();
        ConsulResponse r = http.call("PUT", http.url("session/renew/" + id, Map.of()), null, d);
        if (r.code() == 404 || r.ok() && r.body().strip().equals("null")) {
            LOG.warn("Consul session {} ({}) is gone (renew answered {}); it will be recreated", id, name, r.code());
            id = null;
            lost = true;
            return Renewal.GONE;
        }
        if (!r.ok()) {
            throw new ConsulUnavailableException("session renew answered HTTP " + r.code() + ": " + r.body().strip());
        }
        lastRenewNanos = started;
        return Renewal.RENEWED;
    }

    /** Creates or renews: afterwards we hold a session renewed during this call. */
    String ensureFresh(Deadline d) throws ConsulUnavailableException, InterruptedException {
        if (id != null && renew(true, d) == Renewal.RENEWED) {
            return id;
        }
        return ensure(d);
    }

    private void create(Deadline d) throws ConsulUnavailableException, InterruptedException {
        long started = clock.nanoTime();
        ConsulResponse r = http.call("PUT", http.url("session/create", Map.of()), body(), d);
        if (!r.ok() && r.body().toLowerCase(Locale.ROOT).contains("invalid session ttl")) {
            long min = serverMinimumTtl(d) * 1000;
            LOG.warn("Consul refused session TTL {} ({}); changing it to the server minimum {}", goDuration(ttlMillis),
                    r.body().strip(), goDuration(min));
            ttlMillis = min;
            r = http.call("PUT", http.url("session/create", Map.of()), body(), d);
        }
        if (!r.ok()) {
            throw new ConsulUnavailableException("session create answered HTTP " + r.code() + ": " + r.body().strip());
        }
        try {
            String created = ConsulJson.view(r.body()).path("ID").asText("");
            if (created.isBlank()) {
                throw new ConsulUnavailableException("session create answered without an ID: " + r.body());
            }
            id = created;
            lost = false;
            lastRenewNanos = started;
            LOG.info("Created Consul session {} ({}, ttl {})", id, name, goDuration(ttlMillis));
        } catch (JsonProcessingException e) {
            throw new ConsulUnavailableException("session create answered non-JSON: " + r.body());
        }
    }

    private String body() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("name", name);
        b.put("checks", checks);
        b.put("lockdelay", "0.001s");
        b.put("behavior", "delete");
        b.put("ttl", goDuration(ttlMillis));
        return ConsulJson.compact(b);
    }

    /** {@code GET /v1/agent/self} Config.SessionTTLMin (nanoseconds), as Patroni reads it; 10 s when absent. */
    private long serverMinimumTtl(Deadline d) throws ConsulUnavailableException, InterruptedException {
        ConsulResponse r = http.call("GET", http.url("agent/self", Map.of()), null, d);
        try {
            JsonView self = ConsulJson.view(r.body());
            for (String section : List.of("Config", "DebugConfig")) {
                JsonView v = self.path(section).path("SessionTTLMin");
                long seconds = v.isNumber() ? (long) Math.ceil(v.asLong(0) / 1e9) : parseGoDuration(v.asText(""));
                if (seconds > 0) {
                    return seconds;
                }
            }
        } catch (JsonProcessingException e) {
            LOG.warn("GET /v1/agent/self answered non-JSON; assuming SessionTTLMin 10s");
        }
        return 10;
    }

    /** A Go duration in seconds, decimals only when needed: {@code 12500} ms is {@code "12.5s"}. */
    static String goDuration(long millis) {
        return java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }

    /** Whole seconds (rounded up) of a Go duration such as {@code 10s}, {@code 1m0s}, {@code 1.5s}. */
    static long parseGoDuration(String text) {
        return (long) Math.ceil(parseGoDurationMillis(text) / 1000.0);
    }

    /** Milliseconds (rounded up) of a Go duration such as {@code 5.5s}, {@code 1m0s}, {@code 250ms}. */
    static long parseGoDurationMillis(String text) {
        double total = 0;
        var m = java.util.regex.Pattern.compile("([0-9.]+)(h|ms|m|s)").matcher(text);
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "h" -> v * 3600;
                case "m" -> v * 60;
                case "ms" -> v / 1000;
                default -> v;
            };
        }
        return (long) Math.ceil(total * 1000 - 1e-6);
    }

    /** Destroys the session on the server (shutdown): every key bound to it is deleted. */
    void destroy(Deadline d) throws ConsulUnavailableException, InterruptedException {
        if (id != null) {
            ConsulUrl u = http.url("session/destroy/" + id, Map.of());
            http.call("PUT", u, null, d);
            id = null;
        }
    }
}
