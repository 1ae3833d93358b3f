package io.patronijvm.testkit;

import io.patronijvm.core.time.MonotonicClock;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key/value state behind {@link InMemoryDcs.Store}: keys with a modify index and an optional
 * owning session, sessions with a TTL on the injected clock, one global index like Consul's
 * Raft index. Not thread-safe on its own; the store serialises every call.
 */
final class InMemoryKv {

    record Entry(Object value, long modifyIndex, String session) {
    }

    record Session(String id, String name, String owner, long ttlNanos, long lastRenewNanos) {
    }

    private final MonotonicClock clock;
    private final TreeMap<String, Entry> kv = new TreeMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private long index = 1;
    /** Consul invalidates a session up to 2 x TTL after its last renewal (measured on 1.8.7: 2 x TTL). */
    private double expiryFactor = 2.0;
    /** No session can have expired before this time, so {@link #expire} can return at once (the simulator calls it per tick). */
    private long nextExpiryCheck = Long.MIN_VALUE;
    private boolean anyExpiryCheck;
    /** Session ids count up: deterministic for a seeded simulation, and cheaper than SecureRandom UUIDs. */
    private long sessionCounter;

    InMemoryKv(MonotonicClock clock) {
        this.clock = clock;
    }

    void expiryFactor(double factor) {
        this.expiryFactor = factor;
        anyExpiryCheck = false;
    }

    long index() {
        return index;
    }

    Entry get(String key) {
        return kv.get(key);
    }

    List<Map.Entry<String, Entry>> under(String prefix) {
        List<Map.Entry<String, Entry>> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : kv.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** PUT with Consul's options: cas (-1 = none, 0 = create-only), acquire (session or null). */
    boolean put(String key, Object value, long cas, String acquire) {
        Entry old = kv.get(key);
        if (cas == 0 && old != null || cas > 0 && (old == null || old.modifyIndex() != cas)) {
            return false;
        }
        String owner = old == null ? null : old.session();
        if (acquire != null) {
            if (!sessions.containsKey(acquire)) {
                throw new IllegalStateException("invalid session " + acquire);
            }
            if (owner != null && !owner.equals(acquire)) {
                return false;
            }
            owner = acquire;
        }
        kv.put(key, new Entry(value, ++index, owner));
        return true;
    }

    /** DELETE with an optional cas (-1 = none); recurse deletes every key under the prefix. */
    boolean delete(String key, long cas, boolean recurse) {
        if (recurse) {
            boolean any = false;
            for (Map.Entry<String, Entry> e : under(key)) {
                kv.remove(e.getKey());
                any = true;
            }
            if (any) {
                index++;
            }
            return true;
        }
        Entry old = kv.get(key);
        if (cas >= 0 && (old == null || old.modifyIndex() != cas)) {
            return cas == 0 && old == null;
        }
        if (old != null) {
            kv.remove(key);
            index++;
        }
        return true;
    }

    String createSession(String name, String owner, long ttlNanos) {
        sessionCounter++;
        String id = String.format("00000000-0000-4000-8000-%012x", sessionCounter);
        long now = clock.nanoTime();
        sessions.put(id, new Session(id, name, owner, ttlNanos, now));
        long deadline = deadline(now, ttlNanos);
        if (!anyExpiryCheck || deadline - nextExpiryCheck < 0) {
            nextExpiryCheck = deadline;
            anyExpiryCheck = true;
        }
        return id;
    }

    boolean renew(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            return false;
        }
        sessions.put(id, new Session(id, s.name(), s.owner(), s.ttlNanos(), clock.nanoTime()));
        return true;
    }

    boolean hasSession(String id) {
        return id != null && sessions.containsKey(id);
    }

    int sessionCount() {
        return sessions.size();
    }

    /** Invalidates every session of {@code owner}; behavior=delete removes the keys they hold. */
    int destroySessionsOf(String owner) {
        List<String> ids = sessions.values().stream().filter(s -> s.owner().equals(owner)).map(Session::id).toList();
        ids.forEach(this::destroy);
        return ids.size();
    }

    void destroy(String id) {
        if (sessions.remove(id) == null) {
            return;
        }
        List<String> held = kv.entrySet().stream().filter(e -> id.equals(e.getValue().session()))
                .map(Map.Entry::getKey).toList();
        held.forEach(kv::remove);
        index++;
    }

    /**
     * Called at the start of every operation: sessions past expiryFactor x TTL are invalidated.
     * Renewals only push deadlines later, so the earliest deadline seen at the last scan (or at
     * a later session creation) is a safe lower bound and the scan is skipped before it.
     */
    void expire() {
        long now = clock.nanoTime();
        if (anyExpiryCheck && now - nextExpiryCheck <= 0) {
            return;
        }
        List<String> dead = new ArrayList<>();
        boolean any = false;
        long earliest = 0;
        for (Session s : sessions.values()) {
            long deadline = deadline(s.lastRenewNanos(), s.ttlNanos());
            if (now - deadline > 0) {
                dead.add(s.id());
            } else if (!any || deadline - earliest < 0) {
                earliest = deadline;
                any = true;
            }
        }
        dead.forEach(this::destroy);
        anyExpiryCheck = any;
        nextExpiryCheck = earliest;
    }

    /** The last instant a session renewed at {@code renewedAt} is still valid. */
    private long deadline(long renewedAt, long ttlNanos) {
        return renewedAt + (long) (ttlNanos * expiryFactor);
    }
}
