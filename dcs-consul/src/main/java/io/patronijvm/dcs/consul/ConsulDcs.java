package io.patronijvm.dcs.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler.KeyValue;
import io.patronijvm.core.dcs.wire.WireValues;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link Dcs} port on Consul, with Patroni's keys, values, session and requests (spec 2,
 * decision 2), so the real {@code patronictl} reads and writes what we write.
 *
 * <p>Construction: {@link #forNode(PatroniConfig, int, int, MonotonicClock, Sleeper)} from the
 * local configuration and the current {@code ttl}/{@code retry_timeout}; the agent calls
 * {@link #applyTiming} when the dynamic configuration changes them.
 *
 * <p>Session renewal: {@link #updateLeader} always renews; {@link #touchMember} renews when the
 * last renewal is older than half the session TTL (ttl/4), the schedule of Consul's own Go lock
 * client, and, as Patroni 3.0.2 does, writes the member key only when the cycle's read shows it
 * bound to another session or holding other data. Readers ({@link #loadCluster}, {@link #watchLeader}) never create a session (#301).
 * Pass {@link Leader#version()} to {@link #watchLeader}: it blocks on the leader key's index.
 */
public final class ConsulDcs implements Dcs {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulDcs.class);

    private final ConsulConfig cfg;
    private final String prefix;
    private final String name;
    private final MonotonicClock clock;
    private final Sleeper sleeper;
    private final ConsulTransport http;
    private final ConsulSession session;
    private final ConsulServiceRegistrar services;
    private volatile Duration retryTimeout;
    private volatile boolean skipNextWatch;
    private final WatchFailureLog watchFailures;
    private String memberSession;
    /** Our member key as the latest cluster read after our latest write of it saw it; null: write. */
    private volatile KeyValue seenMember;

    public ConsulDcs(ConsulConfig consul, String namespace, String scope, String name, MonotonicClock clock,
                     Sleeper sleeper, int ttlSeconds, int retryTimeoutSeconds) {
        this.cfg = consul;
        this.prefix = keyPrefix(namespace, scope);
        this.name = name;
        this.clock = clock;
        this.watchFailures = new WatchFailureLog(LoggerFactory.getLogger(LeaderWatch.class), clock);
        this.sleeper = sleeper;
        this.retryTimeout = Duration.ofSeconds(retryTimeoutSeconds);
        this.http = new ConsulTransport(consul, sleeper, retryTimeout);
        this.session = new ConsulSession(http, clock, scope + "-" + name, consul.checks(), ttlSeconds);
        this.services = new ConsulServiceRegistrar(http, consul, scope, name);
    }

    public static ConsulDcs forNode(PatroniConfig cfg, int ttlSeconds, int retryTimeoutSeconds, MonotonicClock clock,
                                    Sleeper sleeper) {
        return new ConsulDcs(cfg.consul(), cfg.namespace(), cfg.scope(), cfg.name(), clock, sleeper, ttlSeconds,
                retryTimeoutSeconds);
    }

    /** {@code <namespace>/<scope>/} without the leading slash (Consul keys have none). */
    static String keyPrefix(String namespace, String scope) {
        String ns = namespace == null ? "/service" : namespace;
        String stripped = ns.replaceAll("^/+", "").replaceAll("/+$", "");
        return (stripped.isEmpty() ? "" : stripped + "/") + scope + "/";
    }

    @Override
    public ClusterView loadCluster() throws DcsUnavailableException {
        Map<String, String> q = consistency(false);
        q.put("recurse", "1");
        try {
            ConsulResponse r = http.call("GET", kv("", q), null, deadline());
            if (r.code() == 404) {
                seenMember = null;
                return new ClusterView(null, null, null, List.of(), null, null, List.of(), 0, null, null,
                        Math.max(0, r.index()));
            }
            if (!r.ok()) {
                throw new DcsUnavailableException("Consul read of " + prefix + " answered HTTP " + r.code() + ": "
                        + r.body().strip());
            }
            return ClusterViewAssembler.assemble(keyValues(r.body()), Math.max(0, r.index()),
                    w -> LOG.warn("{}{}", prefix, w.startsWith("ignoring") ? ": " + w : w));
        } catch (ConsulUnavailableException e) {
            throw new DcsUnavailableException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DcsUnavailableException("interrupted while reading " + prefix, e);
        }
    }

    private List<KeyValue> keyValues(String body) throws DcsUnavailableException {
        List<KeyValue> out;
        try {
            out = ConsulKv.parse(body, prefix);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new DcsUnavailableException("Consul answered a KV read with unusable JSON: " + e.getMessage());
        }
        KeyValue ours = null;
        for (KeyValue kv : out) {
            if (kv.key().equals("members/" + name)) {
                ours = kv;
            }
        }
        seenMember = ours;
        return out;
    }

    @Override
    public synchronized DcsOutcome raceInitialize() {
        return write("initialize", d -> bool(put("initialize", "", 0, null, d), "initialize already exists"));
    }

    @Override
    public synchronized DcsOutcome writeInitialize(String sysid) {
        return write("initialize", d -> bool(put("initialize", sysid, -1, null, d), "initialize refused"));
    }

    @Override
    public synchronized DcsOutcome cancelInitialize() {
        return write("initialize", d -> bool(delete("initialize", -1, d), "initialize delete refused"));
    }

    @Override
    public synchronized DcsOutcome acquireLeader() {
        return write("leader", d -> {
            String id = session.ensureFresh(d);
            ConsulResponse r = put("leader", name, -1, id, d);
            if (!r.ok() && r.body().toLowerCase().contains("invalid session")) {
                // Expired between renew and acquire: one new session, one retry (Patroni does the same).
                session.forget();
                r = put("leader", name, -1, session.ensure(d), d);
            }
            return bool(r, "leader key is held by another session");
        });
    }

    @Override
    public synchronized DcsOutcome updateLeader(Leader observed) {
        return write("leader", d -> {
            if (observed != null && !observed.name().equals(name)) {
                return DcsOutcome.conflict("leader key belongs to " + observed.name());
            }
            ConsulSession.Renewal renewal = session.renew(true, d);
            if (renewal == ConsulSession.Renewal.GONE || session.lost()) {
                return DcsOutcome.sessionLost("our Consul session disappeared, the leader key is gone with it");
            }
            if (renewal == ConsulSession.Renewal.NO_SESSION) {
                // Not lost but dropped on purpose (ttl changed): a new session re-takes the key below.
                session.ensure(d);
            }
            if (observed == null || !session.id().equals(observed.session())) {
                if (observed != null) {
                    delete("leader", observed.version(), d);
                }
                return bool(put("leader", name, -1, session.id(), d), "leader key is held by another session");
            }
            return DcsOutcome.OK;
        });
    }

    @Override
    public synchronized DcsOutcome releaseLeader(Leader observed) {
        if (observed == null) {
            return DcsOutcome.OK;
        }
        if (session.id() == null || !session.id().equals(observed.session())) {
            return DcsOutcome.conflict("leader key is not bound to our session");
        }
        return write("leader", d -> bool(delete("leader", observed.version(), d), "leader key changed"));
    }

    @Override
    public synchronized DcsOutcome prepareWrites() {
        return write("session", d -> {
            session.ensure(d);
            return DcsOutcome.OK;
        });
    }

    @Override
    public synchronized DcsOutcome touchMember(Map<String, Object> memberData) {
        String value = ConsulJson.compact(memberData);
        return write("members/" + name, d -> {
            if (session.renew(false, d) != ConsulSession.Renewal.RENEWED) {
                session.ensure(d);
            }
            String id = session.id();
            if (unchanged(id, value)) {
                // Patroni 3.0.2 skips this write too: same session, same data as just read.
                return DcsOutcome.OK;
            }
            seenMember = null;
            if (memberSession != null && !memberSession.equals(id)) {
                // Our session changed: the old key may still be bound to the old one (spec 2.2).
                delete("members/" + name, -1, d);
            }
            ConsulResponse r = put("members/" + name, value, -1, id, d);
            if (!r.ok() && r.body().toLowerCase().contains("invalid session")) {
                // Destroyed since our last renewal (the renewal is rate-limited): a new one, one retry.
                session.forget();
                id = session.ensure(d);
                delete("members/" + name, -1, d);
                r = put("members/" + name, value, -1, id, d);
            }
            if (r.ok() && !r.isTrue()) {
                delete("members/" + name, -1, d);
                r = put("members/" + name, value, -1, id, d);
            }
            DcsOutcome out = bool(r, "member key is held by another session");
            if (out.ok()) {
                memberSession = id;
            }
            return out;
        });
    }

    /** The key the cycle's read saw is bound to {@code id} and holds {@code value} already (JSON-equal). */
    private boolean unchanged(String id, String value) {
        KeyValue seen = seenMember;
        if (seen == null || id == null || !id.equals(memberSession) || !id.equals(seen.session())) {
            return false;
        }
        // Decoded with the same parser, equal JSON gives equal maps (an unreadable key is rewritten with ours).
        Optional<Object> stored = ConsulJson.decode(seen.raw());
        return stored.isPresent() && stored.equals(ConsulJson.decode(value));
    }

    @Override
    public synchronized DcsOutcome deleteMember() {
        seenMember = null;
        return write("members/" + name, d -> bool(delete("members/" + name, -1, d), "member delete refused"));
    }

    @Override
    public synchronized DcsOutcome writeConfig(Map<String, Object> config, long expectedVersion) {
        String v = ConsulJson.compact(config);
        return write("config", d -> bool(put("config", v, expectedVersion, null, d), "config changed (CAS)"));
    }

    @Override
    public synchronized DcsOutcome writeFailover(Failover failover, long expectedVersion) {
        String v = ConsulJson.compact(WireValues.failoverToJson(failover));
        return write("failover", d -> bool(put("failover", v, expectedVersion, null, d), "failover changed (CAS)"));
    }

    @Override
    public synchronized DcsOutcome writeSync(SyncState sync, long expectedVersion) {
        String v = ConsulJson.compact(WireValues.syncToJson(sync));
        return write("sync", d -> {
            DcsOutcome out = bool(put("sync", v, expectedVersion, null, d), "sync changed (CAS)");
            if (!out.ok()) {
                return out;
            }
            // Read after write, consistent: the CAS answer alone does not prove what is stored (Patroni).
            Map<String, String> q = consistency(true);
            ConsulResponse r = http.call("GET", kv("sync", q), null, d);
            JsonView arr = r.ok() ? ConsulJson.view(r.body()) : null;
            String stored = arr == null || arr.isEmpty() || arr.get(0).path("Value").asText(null) == null ? null
                    : new String(Base64.getDecoder().decode(arr.get(0).path("Value").asText("")), StandardCharsets.UTF_8);
            return v.equals(stored) ? DcsOutcome.OK : DcsOutcome.conflict("sync read back differs: " + stored);
        });
    }

    @Override
    public synchronized DcsOutcome deleteSync(long expectedVersion) {
        return write("sync", d -> bool(delete("sync", expectedVersion, d), "sync changed (CAS)"));
    }

    @Override
    public synchronized DcsOutcome writeStatus(ClusterStatus status) {
        String v = ConsulJson.compact(WireValues.statusToJson(status));
        return write("status", d -> bool(put("status", v, -1, null, d), "status refused"));
    }

    @Override
    public synchronized DcsOutcome writeHistory(List<HistoryEntry> history) {
        String v = ConsulJson.compact(WireValues.historyToJson(history));
        return write("history", d -> bool(put("history", v, -1, null, d), "history refused"));
    }

    @Override
    public synchronized DcsOutcome writeFailsafe(Map<String, String> failsafe) {
        String v = ConsulJson.compact(failsafe);
        return write("failsafe", d -> bool(put("failsafe", v, -1, null, d), "failsafe refused"));
    }

    @Override
    public synchronized DcsOutcome deleteCluster() {
        return write(prefix, d -> {
            ConsulResponse r = http.call("DELETE", kv("", new LinkedHashMap<>(Map.of("recurse", "1"))), null, d);
            return r.ok() ? DcsOutcome.OK : DcsOutcome.unavailable("recursive delete answered HTTP " + r.code());
        });
    }

    @Override
    public boolean watchLeader(long knownIndex, Duration wait) throws InterruptedException {
        return watchLeader(knownIndex, wait, WatchCancel.NEVER);
    }

    @Override
    public boolean watchLeader(long knownIndex, Duration wait, WatchCancel cancel) throws InterruptedException {
        return new LeaderWatch(http, kv("leader", consistency(false)), sleeper, clock, watchFailures).await(
                knownIndex, wait, skipNextWatchOnce(), cancel);
    }

    private synchronized boolean skipNextWatchOnce() {
        boolean skip = skipNextWatch;
        skipNextWatch = false;
        return skip;
    }

    @Override
    public synchronized DcsOutcome registerService(ServiceRegistration registration) {
        if (!cfg.registerService()) {
            return DcsOutcome.OK;
        }
        return write("service", d -> services.register(registration, session.ttlMillis(), d));
    }

    @Override
    public synchronized DcsOutcome deregisterService() {
        if (!cfg.registerService()) {
            return DcsOutcome.OK; // never registered: no request to the agent
        }
        return write("service", services::deregister);
    }

    /** A changed ttl invalidates the cached session and skips the next watch (spec 2.3). */
    @Override
    public synchronized void applyTiming(int ttlSeconds, int retryTimeoutSeconds) {
        if (session.applyTtl(ttlSeconds)) {
            skipNextWatch = true;
            LOG.info("ttl changed to {}s: the next write creates a session with TTL {}", ttlSeconds,
                    ConsulSession.goDuration(session.ttlMillis()));
        }
        Duration rt = Duration.ofSeconds(retryTimeoutSeconds);
        if (!rt.equals(retryTimeout)) {
            retryTimeout = rt;
            http.applyTimeout(rt);
        }
    }

    /** Our current session id, or null (for tests and logs). */
    public synchronized String sessionId() {
        return session.id();
    }

    /**
     * Leaves the session to expire by its TTL, as Patroni does: the member key bound to it stays
     * for that long, so a node that restarts quickly finds its replication slot still kept by the
     * primary. The leader key is not left behind by this: a leader deletes it before it stops.
     */
    @Override
    public synchronized void close() {
        http.close();
    }

    // ---- helpers ----

    /** One write operation, its whole budget one retry_timeout. */
    private interface Op {
        DcsOutcome run(Deadline d) throws ConsulUnavailableException, InterruptedException, JsonProcessingException;
    }

    private DcsOutcome write(String what, Op op) {
        try {
            return op.run(deadline());
        } catch (ConsulUnavailableException e) {
            return DcsOutcome.unavailable(e.permissionDenied() ? "permission denied (bad consul.token or ACL): "
                    + e.getMessage() : e.getMessage());
        } catch (JsonProcessingException e) {
            return DcsOutcome.unavailable("Consul answered non-JSON while writing " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DcsOutcome.unavailable("interrupted while writing " + what);
        }
    }

    private Deadline deadline() {
        return Deadline.after(clock, retryTimeout);
    }

    private Map<String, String> consistency(boolean forceConsistent) {
        Map<String, String> q = new LinkedHashMap<>();
        String c = forceConsistent ? "consistent" : cfg.consistency();
        if ("consistent".equals(c) || "stale".equals(c)) {
            q.put(c, null);
        }
        return q;
    }

    private ConsulUrl kv(String key, Map<String, String> query) {
        return http.url("kv/" + prefix + key, query);
    }

    private ConsulResponse put(String key, String value, long cas, String acquire, Deadline d)
            throws ConsulUnavailableException, InterruptedException {
        Map<String, String> q = new LinkedHashMap<>();
        if (cas >= 0) {
            q.put("cas", Long.toString(cas));
        }
        if (acquire != null) {
            q.put("acquire", acquire);
        }
        return http.call("PUT", kv(key, q), value, d);
    }

    private ConsulResponse delete(String key, long cas, Deadline d)
            throws ConsulUnavailableException, InterruptedException {
        Map<String, String> q = new LinkedHashMap<>();
        if (cas >= 0) {
            q.put("cas", Long.toString(cas));
        }
        return http.call("DELETE", kv(key, q), null, d);
    }

    private static DcsOutcome bool(ConsulResponse r, String refusal) {
        if (r.isTrue()) {
            return DcsOutcome.OK;
        }
        if (r.ok()) {
            return DcsOutcome.conflict(refusal);
        }
        if (r.body().toLowerCase().contains("invalid session")) {
            return DcsOutcome.sessionLost("Consul: " + r.body().strip());
        }
        return DcsOutcome.unavailable("Consul answered HTTP " + r.code() + ": " + r.body().strip());
    }
}
