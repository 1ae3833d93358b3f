package io.patronijvm.dcs.etcd;

import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler.KeyValue;
import io.patronijvm.core.dcs.wire.JsonView;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link Dcs} port on etcd v3, with Patroni 3.0.2's keys ({@code /<namespace>/<scope>/...}, the
 * leading slash kept), values and lease use ({@code patroni/dcs/etcd3.py}), so a Patroni node and
 * ours share one cluster and the real {@code patronictl} lists both.
 *
 * <p>The lease: one per node, TTL = {@code ttl}; the member key and, while we lead, the leader key
 * are attached to it. Taking the lock is a transaction "create revision of {@code leader} is 0
 * then put it with our lease"; keeping it forces a keepalive, and re-attaches the key when it is
 * bound to another lease of ours (after a ttl change). Unlike Patroni, that re-attach is a compare
 * on the key's mod revision, so it can never overwrite a key another node took in between; and
 * reads are linearizable (Patroni reads serializable, so a member cut off from the quorum serves
 * it an old leader key, Patroni issue #3314); a cut-off member then fails the read and we move on.
 *
 * <p>What {@link ClusterView} calls a session is the lease id (decimal, as the gateway writes it),
 * and a key's version is its {@code mod_revision}.
 */
public final class EtcdDcs implements Dcs {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdDcs.class);

    private final String prefix;
    private final String name;
    private final MonotonicClock clock;
    private final EtcdTransport http;
    private final EtcdLease lease;
    private final EtcdLeaderWatch watch;
    private volatile Duration retryTimeout;
    private volatile boolean skipNextWatch;

    public EtcdDcs(Etcd3Config cfg, List<String> endpoints, String namespace, String scope, String name,
                   MonotonicClock clock, Sleeper sleeper, int ttlSeconds, int retryTimeoutSeconds) {
        this.prefix = keyPrefix(namespace, scope);
        this.name = name;
        this.clock = clock;
        this.retryTimeout = Duration.ofSeconds(retryTimeoutSeconds);
        this.http = new EtcdTransport(cfg, endpoints, sleeper, retryTimeout);
        this.lease = new EtcdLease(http, clock, ttlSeconds);
        this.watch = new EtcdLeaderWatch(http, EtcdJson.b64(prefix + "leader"), sleeper, clock);
    }

    /** From the node's configuration: SRV records first when {@code srv} is set, else the configured endpoints. */
    public static EtcdDcs forNode(PatroniConfig cfg, int ttlSeconds, int retryTimeoutSeconds, MonotonicClock clock,
                                  Sleeper sleeper) {
        Etcd3Config e = cfg.etcd3();
        return new EtcdDcs(e, EtcdSrv.endpoints(e), cfg.namespace(), cfg.scope(), cfg.name(), clock, sleeper,
                ttlSeconds, retryTimeoutSeconds);
    }

    /**
     * A client of one cluster's keys for a tool that reads and edits them but is no member
     * ({@code ctl}): the endpoints resolved as for a node, no lease until a member write asks.
     */
    public static EtcdDcs forCluster(Etcd3Config e, String namespace, String scope, MonotonicClock clock,
                                     Sleeper sleeper, int retryTimeoutSeconds) {
        return new EtcdDcs(e, EtcdSrv.endpoints(e), namespace, scope, scope, clock, sleeper, 30, retryTimeoutSeconds);
    }

    /** Patroni's base path: {@code /<namespace>/<scope>/} with repeated slashes collapsed. */
    static String keyPrefix(String namespace, String scope) {
        String ns = namespace == null ? "/service" : namespace;
        return ("/" + ns + "/" + scope + "/").replaceAll("/+", "/");
    }

    @Override
    public ClusterView loadCluster() throws DcsUnavailableException {
        try {
            Map<String, Object> q = EtcdJson.object("key", EtcdJson.b64(prefix), "range_end",
                    EtcdJson.prefixEnd(prefix));
            JsonView r = http.call("/kv/range", q, deadline());
            List<KeyValue> kvs = new ArrayList<>();
            for (JsonView n : r.path("kvs")) {
                String key = EtcdJson.unb64(n.path("key").asText(""));
                if (!key.startsWith(prefix)) {
                    continue;
                }
                String raw = EtcdJson.unb64(n.path("value").asText(""));
                long leaseId = EtcdJson.int64(n, "lease");
                kvs.add(new KeyValue(key.substring(prefix.length()), EtcdJson.decode(raw).orElse(null), raw,
                        leaseId == 0 ? null : Long.toString(leaseId), EtcdJson.int64(n, "mod_revision")));
            }
            return ClusterViewAssembler.assemble(kvs, EtcdJson.int64(r.path("header"), "revision"),
                    w -> LOG.warn("{}: {}", prefix, w));
        } catch (EtcdUnavailableException | EtcdErrorException e) {
            throw new DcsUnavailableException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DcsUnavailableException("interrupted while reading " + prefix, e);
        }
    }

    @Override
    public synchronized DcsOutcome raceInitialize() {
        return write("initialize", d -> txn(d, createOnly("initialize"), put("initialize", "", 0))
                ? DcsOutcome.OK : DcsOutcome.conflict("initialize already exists"));
    }

    @Override
    public synchronized DcsOutcome writeInitialize(String sysid) {
        return write("initialize", d -> plainPut("initialize", sysid, 0, d));
    }

    @Override
    public synchronized DcsOutcome cancelInitialize() {
        return write("initialize", d -> {
            http.call("/kv/deleterange", EtcdJson.object("key", key("initialize")), d);
            return DcsOutcome.OK;
        });
    }

    @Override
    public synchronized DcsOutcome acquireLeader() {
        return write("leader", d -> {
            lease.refresh(true, d);
            try {
                return takeLeader(d);
            } catch (EtcdErrorException e) {
                if (!e.leaseNotFound()) {
                    throw e;
                }
                // Expired between keepalive and put: one new lease, one retry (Patroni does the same).
                LOG.error("our etcd lease disappeared; granting a new one and trying once more");
                lease.forget();
                lease.refresh(true, d);
                return takeLeader(d);
            }
        });
    }

    private DcsOutcome takeLeader(Deadline d) throws Exception {
        return txn(d, createOnly("leader"), put("leader", name, lease.id()))
                ? DcsOutcome.OK : DcsOutcome.conflict("leader key is held by another node");
    }

    @Override
    public synchronized DcsOutcome updateLeader(Leader observed) {
        return write("leader", d -> {
            if (observed != null && !observed.name().equals(name)) {
                return DcsOutcome.conflict("leader key belongs to " + observed.name());
            }
            boolean hadLease = lease.id() != 0;
            EtcdLease.Refresh refresh = lease.refresh(true, d);
            if (hadLease && refresh == EtcdLease.Refresh.GRANTED_AFTER_LOSS) {
                return DcsOutcome.sessionLost("our etcd lease expired, the leader key went with it");
            }
            String ours = Long.toString(lease.id());
            if (observed != null && ours.equals(observed.session())) {
                return DcsOutcome.OK;
            }
            // Bound to another lease of ours (ttl changed) or not seen this cycle: move it to this lease,
            // but only if nobody touched the key since we read it.
            Map<String, Object> cmp = observed == null ? createOnly("leader") : modRevision("leader", observed.version());
            return txn(d, cmp, put("leader", name, lease.id()))
                    ? DcsOutcome.OK : DcsOutcome.conflict("leader key changed since it was read");
        });
    }

    @Override
    public synchronized DcsOutcome releaseLeader(Leader observed) {
        if (observed == null) {
            return DcsOutcome.OK;
        }
        if (lease.id() == 0 || !Long.toString(lease.id()).equals(observed.session())) {
            return DcsOutcome.conflict("leader key is not attached to our lease");
        }
        return write("leader", d -> txn(d, modRevision("leader", observed.version()), delete("leader"))
                ? DcsOutcome.OK : DcsOutcome.conflict("leader key changed"));
    }

    @Override
    public synchronized DcsOutcome prepareWrites() {
        return write("lease", d -> {
            lease.refresh(false, d);
            return DcsOutcome.OK;
        });
    }

    @Override
    public synchronized DcsOutcome touchMember(Map<String, Object> memberData) {
        String value = EtcdJson.compact(memberData);
        return write("members/" + name, d -> {
            lease.refresh(false, d);
            try {
                return plainPut("members/" + name, value, lease.id(), d);
            } catch (EtcdErrorException e) {
                if (!e.leaseNotFound()) {
                    throw e;
                }
                LOG.error("our etcd lease disappeared, can not touch our member key; granting a new one");
                lease.forget();
                lease.refresh(true, d);
                return plainPut("members/" + name, value, lease.id(), d);
            }
        });
    }

    @Override
    public synchronized DcsOutcome deleteMember() {
        return write("members/" + name, d -> {
            http.call("/kv/deleterange", EtcdJson.object("key", key("members/" + name)), d);
            return DcsOutcome.OK;
        });
    }

    @Override
    public synchronized DcsOutcome writeConfig(Map<String, Object> config, long expectedVersion) {
        return casPut("config", EtcdJson.compact(config), expectedVersion, "config changed (CAS)");
    }

    @Override
    public synchronized DcsOutcome writeFailover(Failover failover, long expectedVersion) {
        return casPut("failover", EtcdJson.compact(WireValues.failoverToJson(failover)), expectedVersion,
                "failover changed (CAS)");
    }

    @Override
    public synchronized DcsOutcome writeSync(SyncState sync, long expectedVersion) {
        String v = EtcdJson.compact(WireValues.syncToJson(sync));
        DcsOutcome out = casPut("sync", v, expectedVersion, "sync changed (CAS)");
        if (!out.ok()) {
            return out;
        }
        // Read after write: the answer alone does not prove what is stored (Patroni reads it back too).
        return write("sync", d -> {
            JsonView r = http.call("/kv/range", EtcdJson.object("key", key("sync")), d);
            JsonView kvs = r.path("kvs");
            String stored = kvs.isEmpty() ? null : EtcdJson.unb64(kvs.get(0).path("value").asText(""));
            return v.equals(stored) ? DcsOutcome.OK : DcsOutcome.conflict("sync read back differs: " + stored);
        });
    }

    @Override
    public synchronized DcsOutcome deleteSync(long expectedVersion) {
        return write("sync", d -> {
            if (expectedVersion < 0) {
                http.call("/kv/deleterange", EtcdJson.object("key", key("sync")), d);
                return DcsOutcome.OK;
            }
            return txn(d, modRevision("sync", expectedVersion), delete("sync"))
                    ? DcsOutcome.OK : DcsOutcome.conflict("sync changed (CAS)");
        });
    }

    @Override
    public synchronized DcsOutcome writeStatus(ClusterStatus status) {
        return write("status", d -> plainPut("status", EtcdJson.compact(WireValues.statusToJson(status)), 0, d));
    }

    @Override
    public synchronized DcsOutcome writeHistory(List<HistoryEntry> history) {
        return write("history", d -> plainPut("history", EtcdJson.compact(WireValues.historyToJson(history)), 0, d));
    }

    @Override
    public synchronized DcsOutcome writeFailsafe(Map<String, String> failsafe) {
        return write("failsafe", d -> plainPut("failsafe", EtcdJson.compact(failsafe), 0, d));
    }

    @Override
    public synchronized DcsOutcome deleteCluster() {
        return write(prefix, d -> {
            http.call("/kv/deleterange", EtcdJson.object("key", EtcdJson.b64(prefix),
                    "range_end", EtcdJson.prefixEnd(prefix)), d);
            return DcsOutcome.OK;
        });
    }

    @Override
    public boolean watchLeader(long knownIndex, Duration wait) throws InterruptedException {
        return watchLeader(knownIndex, wait, WatchCancel.NEVER);
    }

    @Override
    public boolean watchLeader(long knownIndex, Duration wait, WatchCancel cancel) throws InterruptedException {
        return watch.await(knownIndex, wait, skipNextWatchOnce(), cancel);
    }

    private synchronized boolean skipNextWatchOnce() {
        boolean skip = skipNextWatch;
        skipNextWatch = false;
        return skip;
    }

    /** Consul's service catalog has no etcd counterpart: nothing to register. */
    @Override
    public DcsOutcome registerService(ServiceRegistration registration) {
        return DcsOutcome.OK;
    }

    @Override
    public DcsOutcome deregisterService() {
        return DcsOutcome.OK;
    }

    /** A changed ttl drops the lease (the next write grants one with the new TTL) and skips the next watch. */
    @Override
    public synchronized void applyTiming(int ttlSeconds, int retryTimeoutSeconds) {
        if (lease.applyTtl(ttlSeconds)) {
            skipNextWatch = true;
            LOG.info("ttl changed to {}s: the next write grants an etcd lease with that TTL", ttlSeconds);
        }
        Duration rt = Duration.ofSeconds(retryTimeoutSeconds);
        if (!rt.equals(retryTimeout)) {
            retryTimeout = rt;
            http.applyTimeout(rt);
        }
    }

    /** Our lease id, 0 when none (tests and logs). */
    public synchronized long leaseId() {
        return lease.id();
    }

    /**
     * Stops talking to etcd and leaves our lease to expire by its TTL, as Patroni 3.0.2 does (it
     * never revokes): the member key outlives a clean restart, so the primary keeps this member's
     * replication slot and a restarted replica streams at once. Revoking deleted the key, the
     * primary dropped the slot and created it again one cycle after the restart, and the replica
     * lagged by the shutdown checkpoint when the primary stopped (Patroni's ignored_slots scenario
     * on etcd3). The leader key is released explicitly before this, by the loop's shutdown.
     */
    @Override
    public synchronized void close() {
        http.close();
    }

    // ---- helpers ----

    private interface Op {
        DcsOutcome run(Deadline d) throws Exception;
    }

    private DcsOutcome write(String what, Op op) {
        try {
            return op.run(deadline());
        } catch (EtcdUnavailableException e) {
            return DcsOutcome.unavailable(e.getMessage());
        } catch (EtcdErrorException e) {
            if (e.leaseNotFound()) {
                lease.forget();
                return DcsOutcome.sessionLost("etcd: " + e.getMessage());
            }
            return DcsOutcome.unavailable(e.code() == EtcdErrorException.PERMISSION_DENIED
                    ? "permission denied (check etcd3.username and its role) writing " + what + ": " + e.getMessage()
                    : "etcd refused writing " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DcsOutcome.unavailable("interrupted while writing " + what);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            return DcsOutcome.unavailable("etcd write of " + what + " failed: " + e);
        }
    }

    private Deadline deadline() {
        return Deadline.after(clock, retryTimeout);
    }

    private String key(String rel) {
        return EtcdJson.b64(prefix + rel);
    }

    private DcsOutcome plainPut(String rel, String value, long leaseId, Deadline d) throws Exception {
        http.call("/kv/put", put(rel, value, leaseId), d);
        return DcsOutcome.OK;
    }

    /** {@code expectedVersion}: 0 create only, positive the mod revision it must have, negative unconditional. */
    private DcsOutcome casPut(String rel, String value, long expectedVersion, String refusal) {
        return write(rel, d -> {
            if (expectedVersion < 0) {
                return plainPut(rel, value, 0, d);
            }
            Map<String, Object> cmp = expectedVersion == 0 ? createOnly(rel) : modRevision(rel, expectedVersion);
            return txn(d, cmp, put(rel, value, 0)) ? DcsOutcome.OK : DcsOutcome.conflict(refusal);
        });
    }

    private Map<String, Object> put(String rel, String value, long leaseId) {
        Map<String, Object> p = EtcdJson.object("key", key(rel), "value", EtcdJson.b64(value));
        if (leaseId != 0) {
            p.put("lease", Long.toString(leaseId));
        }
        return p;
    }

    private Map<String, Object> delete(String rel) {
        return EtcdJson.object("key", key(rel));
    }

    private Map<String, Object> createOnly(String rel) {
        return EtcdJson.object("key", key(rel), "target", "CREATE", "result", "EQUAL", "create_revision", "0");
    }

    private Map<String, Object> modRevision(String rel, long rev) {
        return EtcdJson.object("key", key(rel), "target", "MOD", "result", "EQUAL",
                "mod_revision", Long.toString(rev));
    }

    /** One compare, one request on success; true when the compare held. */
    private boolean txn(Deadline d, Map<String, Object> compare, Map<String, Object> request) throws Exception {
        String kind = request.containsKey("value") ? "request_put" : "request_delete_range";
        Map<String, Object> body = EtcdJson.object("compare", List.of(compare),
                "success", List.of(EtcdJson.object(kind, request)));
        return http.call("/kv/txn", body, d).path("succeeded").asBoolean(false);
    }
}
