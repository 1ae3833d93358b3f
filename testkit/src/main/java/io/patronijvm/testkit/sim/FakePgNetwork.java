package io.patronijvm.testkit.sim;

import io.patronijvm.testkit.FakePostgres;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The world the {@link FakePostgres} models live in: who listens on which {@code host:port},
 * and the counters that must be unique across nodes (timeline segment ids, system ids).
 * Not thread-safe: the simulator drives everything from one thread.
 */
public final class FakePgNetwork {

    private final Map<String, FakePostgres> byAddress = new LinkedHashMap<>();
    private long nextSegmentId = 1;
    private long nextSysid = 7_300_000_000_000_000_001L;

    public void register(String host, int port, FakePostgres pg) {
        byAddress.put(host + ":" + port, pg);
    }

    /** The model listening on host:port, if any (running or not). */
    public FakePostgres lookup(String host, int port) {
        return host == null ? null : byAddress.get(host + ":" + port);
    }

    public List<FakePostgres> all() {
        return new ArrayList<>(byAddress.values());
    }

    /** Every registered model, read-only and without a copy (the simulator asks every tick). */
    public Collection<FakePostgres> view() {
        return Collections.unmodifiableCollection(byAddress.values());
    }

    public long newSegmentId() {
        return nextSegmentId++;
    }

    public String newSysid() {
        return Long.toString(nextSysid++);
    }
}
