package io.patronijvm.restapi;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.model.ClusterConfig;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.SyncState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The few DCS operations the REST API uses, on one in-memory ClusterView with Patroni's CAS
 * semantics for config and failover. {@link #onLoad} lets a test script what the loop would do
 * between polls (for example take over the leader key after a switchover request).
 */
final class FakeDcs implements Dcs {

    final AtomicReference<ClusterView> view = new AtomicReference<>(ClusterView.EMPTY);
    final AtomicInteger loads = new AtomicInteger();
    volatile boolean unavailable;
    volatile UnaryOperator<ClusterView> onLoad = v -> v;
    /** Runs after a load returned its view: a concurrent writer racing the REST API. */
    volatile Runnable afterLoad = () -> { };

    FakeDcs(ClusterView initial) {
        view.set(initial);
    }

    @Override
    public ClusterView loadCluster() throws DcsUnavailableException {
        if (unavailable) {
            throw new DcsUnavailableException("fake DCS is down");
        }
        loads.incrementAndGet();
        ClusterView v = view.updateAndGet(onLoad);
        afterLoad.run();
        return v;
    }

    @Override
    public synchronized DcsOutcome writeConfig(Map<String, Object> config, long expectedVersion) {
        ClusterView v = view.get();
        long current = v.config() == null ? 0 : v.config().version();
        if (expectedVersion >= 0 && expectedVersion != current) {
            return DcsOutcome.conflict("config index moved");
        }
        view.set(with(v, new ClusterConfig(config, current + 1), v.failover(), v.leader()));
        return DcsOutcome.OK;
    }

    @Override
    public synchronized DcsOutcome writeFailover(Failover failover, long expectedVersion) {
        ClusterView v = view.get();
        long current = v.failover() == null ? 0 : v.failover().version();
        if (expectedVersion >= 0 && expectedVersion != current) {
            return DcsOutcome.conflict("failover index moved");
        }
        Failover stored = failover == null || failover.isEmpty() ? null
                : new Failover(failover.leader(), failover.candidate(), failover.scheduledAt(), current + 1);
        view.set(with(v, v.config(), stored, v.leader()));
        return DcsOutcome.OK;
    }

    static ClusterView with(ClusterView v, ClusterConfig config, Failover failover, Leader leader) {
        return new ClusterView(v.initialize(), config, leader, v.members(), failover, v.sync(), v.history(),
                v.historyVersion(), v.status(), v.failsafe(), v.index() + 1);
    }

    @Override
    public DcsOutcome raceInitialize() {
        return unsupported();
    }

    @Override
    public DcsOutcome writeInitialize(String sysid) {
        return unsupported();
    }

    @Override
    public DcsOutcome cancelInitialize() {
        return unsupported();
    }

    @Override
    public DcsOutcome acquireLeader() {
        return unsupported();
    }

    @Override
    public DcsOutcome updateLeader(Leader observed) {
        return unsupported();
    }

    @Override
    public DcsOutcome releaseLeader(Leader observed) {
        return unsupported();
    }

    @Override
    public DcsOutcome touchMember(Map<String, Object> memberData) {
        return unsupported();
    }

    @Override
    public DcsOutcome deleteMember() {
        return unsupported();
    }

    @Override
    public DcsOutcome writeSync(SyncState sync, long expectedVersion) {
        return unsupported();
    }

    @Override
    public DcsOutcome deleteSync(long expectedVersion) {
        return unsupported();
    }

    @Override
    public DcsOutcome writeStatus(ClusterStatus status) {
        return unsupported();
    }

    @Override
    public DcsOutcome writeHistory(List<HistoryEntry> history) {
        return unsupported();
    }

    @Override
    public DcsOutcome writeFailsafe(Map<String, String> failsafe) {
        return unsupported();
    }

    @Override
    public DcsOutcome deleteCluster() {
        return unsupported();
    }

    @Override
    public boolean watchLeader(long knownIndex, Duration wait) {
        return false;
    }

    @Override
    public DcsOutcome registerService(ServiceRegistration registration) {
        return unsupported();
    }

    @Override
    public DcsOutcome deregisterService() {
        return unsupported();
    }

    @Override
    public void applyTiming(int ttlSeconds, int retryTimeoutSeconds) {
        // Nothing derives from timing here.
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    private static DcsOutcome unsupported() {
        throw new UnsupportedOperationException("the REST API must not call this");
    }
}
