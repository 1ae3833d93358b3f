package io.patronijvm.testkit;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler.KeyValue;
import io.patronijvm.core.dcs.wire.WireValues;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link Dcs} port in memory, with Consul's semantics (spec 2): sessions with TTL = ttl/2 on
 * the injected clock, behavior=delete, the leader lock taken with {@code acquire}, CAS on the
 * modify index, one global index. Several nodes share one {@link Store}; each gets its own
 * client from {@link Store#client}. Values go through the same {@link WireValues} and
 * {@link ClusterViewAssembler} as the Consul implementation, and one contract test suite runs
 * against both so they cannot drift.
 *
 * <p>Fault switches: {@link Store#setAvailable} (the whole DCS down), {@link #setAvailable}
 * (this node partitioned), {@link Store#expireSession}. {@link #watchLeader} never waits: the
 * simulation owns time.
 */
public final class InMemoryDcs implements Dcs {

    /** One DCS shared by all simulated nodes. Thread-safe: every operation holds its monitor. */
    public static final class Store {
        /** Consul: session TTL = ttl / 2; etcd: lease TTL = ttl. */
        private volatile int sessionTtlDivisor = 2;
        private final MonotonicClock clock;
        private final InMemoryKv kv;
        private volatile boolean available = true;
        private volatile boolean watchAdvancesClock;

        public Store(MonotonicClock clock) {
            this.clock = clock;
            this.kv = new InMemoryKv(clock);
        }

        /** A client for one node, namespace {@code /service}, ttl 30, retry_timeout 10. */
        public InMemoryDcs client(String memberName, String scope) {
            return new InMemoryDcs(this, "service/" + scope + "/", scope, memberName, 30);
        }

        public InMemoryDcs client(String memberName, String scope, int ttlSeconds) {
            return new InMemoryDcs(this, "service/" + scope + "/", scope, memberName, ttlSeconds);
        }

        /** false: every call of every client answers UNAVAILABLE (reads throw). */
        public void setAvailable(boolean available) {
            this.available = available;
        }

        /** Invalidates every session of the member now; keys bound to them disappear. */
        public synchronized int expireSession(String memberName) {
            return kv.destroySessionsOf(memberName);
        }

        /** Sessions expire when not renewed for factor x session TTL (default 2, as measured on Consul). */
        public synchronized void setExpiryFactor(double factor) {
            kv.expiryFactor(factor);
        }

        /**
         * etcd v3's lease semantics instead of Consul's session: the lease TTL is the whole ttl
         * (Patroni grants {@code ttl}, not {@code ttl/2}) and it expires exactly at 1 x TTL after
         * the last renewal, with no grace (docs/etcd-lease.md).
         */
        public synchronized void etcdSemantics() {
            sessionTtlDivisor = 1;
            kv.expiryFactor(1.0);
        }

        /** When set and the clock is a {@link FakeClock}, a quiet watch advances it by the wait. */
        public void setWatchAdvancesClock(boolean advance) {
            this.watchAdvancesClock = advance;
        }

        public synchronized int sessionCount() {
            kv.expire();
            return kv.sessionCount();
        }

        public synchronized long index() {
            return kv.index();
        }

        /** Reads the cluster as an outside observer (like patronictl), regardless of faults. */
        public synchronized ClusterView peek(String scope) {
            kv.expire();
            return assemble("service/" + scope + "/");
        }

        /**
         * Assembled views by prefix, valid while the global index is {@link #cachedAt}: every
         * write bumps the index and a view is immutable, so readers at the same index share one
         * (the simulator reads the cluster many times per simulated second).
         */
        private final Map<String, ClusterView> views = new HashMap<>();
        private long cachedAt = Long.MIN_VALUE;

        private ClusterView assemble(String prefix) {
            if (kv.index() != cachedAt) {
                views.clear();
                cachedAt = kv.index();
            }
            return views.computeIfAbsent(prefix, this::assembleNow);
        }

        private ClusterView assembleNow(String prefix) {
            List<KeyValue> keys = new ArrayList<>();
            for (var e : kv.under(prefix)) {
                Object v = e.getValue().value();
                keys.add(new KeyValue(e.getKey().substring(prefix.length()), v instanceof String ? null : v,
                        v instanceof String s ? s : null, e.getValue().session(), e.getValue().modifyIndex()));
            }
            return ClusterViewAssembler.assemble(keys, kv.index(), w -> { });
        }
    }

    private final Store store;
    private final String prefix;
    private final String scope;
    private final String member;
    /** {@code prefix + "leader"}, built once: the simulator watches it every tick. */
    private final String leaderKey;
    private volatile int ttlSeconds;
    private volatile boolean available = true;
    private String session;
    /** Our last renewal found the session gone; cleared when a new one is created. */
    private boolean sessionLost;
    /** Service registrations (null: a deregistration) that went through, for tests. */
    private final List<ServiceRegistration> serviceCalls = new ArrayList<>();

    private InMemoryDcs(Store store, String prefix, String scope, String member, int ttlSeconds) {
        this.store = store;
        this.prefix = prefix;
        this.scope = scope;
        this.member = member;
        this.leaderKey = prefix + "leader";
        this.ttlSeconds = ttlSeconds;
    }

    /** false: this node cannot reach the DCS (a partition of one). */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    public String memberName() {
        return member;
    }

    /** Our current session id, or null. */
    public synchronized String sessionId() {
        return session;
    }

    @Override
    public ClusterView loadCluster() throws DcsUnavailableException {
        synchronized (store) {
            if (!reachable()) {
                throw new DcsUnavailableException("in-memory DCS unavailable for " + member);
            }
            store.kv.expire();
            return store.assemble(prefix);
        }
    }

    @Override
    public DcsOutcome raceInitialize() {
        return op(() -> store.kv.put(prefix + "initialize", "", 0, null) ? DcsOutcome.OK
                : DcsOutcome.conflict("initialize exists"));
    }

    @Override
    public DcsOutcome writeInitialize(String sysid) {
        return op(() -> put("initialize", sysid, -1));
    }

    @Override
    public DcsOutcome cancelInitialize() {
        return op(() -> delete("initialize", -1));
    }

    @Override
    public DcsOutcome acquireLeader() {
        return op(() -> {
            ensureSession();
            return store.kv.put(prefix + "leader", member, -1, session) ? DcsOutcome.OK
                    : DcsOutcome.conflict("leader key is held by another session");
        });
    }

    @Override
    public DcsOutcome updateLeader(Leader observed) {
        return op(() -> {
            if (observed != null && !observed.name().equals(member)) {
                return DcsOutcome.conflict("leader key belongs to " + observed.name());
            }
            if (session != null && !store.kv.renew(session)) {
                session = null;
                sessionLost = true;
            }
            if (sessionLost) {
                return DcsOutcome.sessionLost("our session is gone");
            }
            if (session == null) {
                session = newSession(); // dropped on purpose (ttl changed), not lost
            }
            if (observed == null || !session.equals(observed.session())) {
                if (observed != null) {
                    store.kv.delete(prefix + "leader", observed.version(), false);
                }
                if (!store.kv.put(prefix + "leader", member, -1, session)) {
                    return DcsOutcome.conflict("leader key is held by another session");
                }
            }
            return DcsOutcome.OK;
        });
    }

    @Override
    public DcsOutcome releaseLeader(Leader observed) {
        return op(() -> {
            if (observed == null) {
                return DcsOutcome.OK;
            }
            if (session == null || !session.equals(observed.session())) {
                return DcsOutcome.conflict("leader key is not bound to our session");
            }
            return delete("leader", observed.version());
        });
    }

    @Override
    public DcsOutcome prepareWrites() {
        return op(() -> {
            ensureSession();
            return DcsOutcome.OK;
        });
    }

    /** Our session renewed, or a new one when it is gone (as Consul's writers do before a write). */
    private void ensureSession() {
        if (!store.kv.renew(session == null ? "" : session)) {
            session = newSession();
        }
    }

    @Override
    public DcsOutcome touchMember(Map<String, Object> memberData) {
        return op(() -> {
            ensureSession();
            String key = prefix + "members/" + member;
            InMemoryKv.Entry old = store.kv.get(key);
            if (old != null && old.session() != null && !old.session().equals(session)) {
                store.kv.delete(key, -1, false);
            }
            return store.kv.put(key, new LinkedHashMap<>(memberData), -1, session) ? DcsOutcome.OK
                    : DcsOutcome.conflict("member key is held by another session");
        });
    }

    @Override
    public DcsOutcome deleteMember() {
        return op(() -> delete("members/" + member, -1));
    }

    @Override
    public DcsOutcome writeConfig(Map<String, Object> config, long expectedVersion) {
        return op(() -> put("config", new LinkedHashMap<>(config), expectedVersion));
    }

    @Override
    public DcsOutcome writeFailover(Failover failover, long expectedVersion) {
        return op(() -> put("failover", WireValues.failoverToJson(failover), expectedVersion));
    }

    @Override
    public DcsOutcome writeSync(SyncState sync, long expectedVersion) {
        return op(() -> put("sync", WireValues.syncToJson(sync), expectedVersion));
    }

    @Override
    public DcsOutcome deleteSync(long expectedVersion) {
        return op(() -> delete("sync", expectedVersion));
    }

    @Override
    public DcsOutcome writeStatus(ClusterStatus status) {
        return op(() -> put("status", WireValues.statusToJson(status), -1));
    }

    @Override
    public DcsOutcome writeHistory(List<HistoryEntry> history) {
        return op(() -> put("history", WireValues.historyToJson(history), -1));
    }

    @Override
    public DcsOutcome writeFailsafe(Map<String, String> failsafe) {
        return op(() -> put("failsafe", new LinkedHashMap<>(failsafe), -1));
    }

    @Override
    public DcsOutcome deleteCluster() {
        return op(() -> {
            store.kv.delete(prefix, -1, true);
            return DcsOutcome.OK;
        });
    }

    /** Never waits: answers at once whether the leader key's index differs from {@code knownIndex}. */
    @Override
    public boolean watchLeader(long knownIndex, Duration wait) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("watchLeader interrupted");
        }
        boolean changed;
        synchronized (store) {
            if (!reachable()) {
                return false;
            }
            store.kv.expire();
            InMemoryKv.Entry leader = store.kv.get(leaderKey);
            changed = leader == null ? knownIndex > 0 : leader.modifyIndex() != knownIndex;
        }
        if (!changed && store.watchAdvancesClock && store.clock instanceof FakeClock fake) {
            fake.advance(wait);
        }
        return changed;
    }

    @Override
    public DcsOutcome registerService(ServiceRegistration registration) {
        return op(() -> {
            serviceCalls.add(registration);
            return DcsOutcome.OK;
        });
    }

    @Override
    public DcsOutcome deregisterService() {
        return op(() -> {
            serviceCalls.add(null);
            return DcsOutcome.OK;
        });
    }

    /**
     * Every successful service call of this client, in order (spec 2.6): a registration, or
     * {@code null} for a deregistration. Unlike Consul, nothing is filtered by role or state here.
     */
    public synchronized List<ServiceRegistration> serviceCalls() {
        return new ArrayList<>(serviceCalls);
    }

    /** A changed ttl drops the cached session; the next acquire or touch creates a new one. */
    @Override
    public synchronized void applyTiming(int ttlSeconds, int retryTimeoutSeconds) {
        if (ttlSeconds != this.ttlSeconds) {
            this.ttlSeconds = ttlSeconds;
            session = null;
        }
    }

    @Override
    public void close() {
        synchronized (store) {
            if (session != null) {
                store.kv.destroy(session);
                session = null;
            }
        }
    }

    private boolean reachable() {
        return available && store.available;
    }

    private DcsOutcome op(Supplier<DcsOutcome> body) {
        synchronized (store) {
            if (!reachable()) {
                return DcsOutcome.unavailable("in-memory DCS unavailable for " + member);
            }
            store.kv.expire();
            synchronized (this) {
                return body.get();
            }
        }
    }

    private String newSession() {
        sessionLost = false;
        long ttlNanos = Duration.ofSeconds(Math.max(1, ttlSeconds / store.sessionTtlDivisor)).toNanos();
        return store.kv.createSession(scope + "-" + member, member, ttlNanos);
    }

    private DcsOutcome put(String key, Object value, long cas) {
        return store.kv.put(prefix + key, value, cas, null) ? DcsOutcome.OK
                : DcsOutcome.conflict(key + " changed since version " + cas);
    }

    private DcsOutcome delete(String key, long cas) {
        return store.kv.delete(prefix + key, cas, false) ? DcsOutcome.OK
                : DcsOutcome.conflict(key + " changed since version " + cas);
    }
}
