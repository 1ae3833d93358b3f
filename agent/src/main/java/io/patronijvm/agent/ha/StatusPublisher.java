package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.status.StatusSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.patronijvm.core.ha.RestartIntent;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The last step of a cycle: what others see of this node. The member key and the Consul service
 * (R3, R14, spec 2.6) and the immutable snapshot the REST API serves (style guideline 3). The
 * lease timer publishes through here too when it fences ({@link SelfFence}), so the snapshot
 * stops saying primary the moment PostgreSQL is stopped.
 */
final class StatusPublisher {

    private static final Logger log = LoggerFactory.getLogger(StatusPublisher.class);

    private final HaContext ctx;
    private final LoopState state;
    private final LeaseGuard lease;
    private final LongSupplier intervalNanos;
    private final Supplier<RestartIntent> restart;
    private final AtomicReference<StatusSnapshot> snapshot = new AtomicReference<>();
    private final ServiceRegistrations services = new ServiceRegistrations();
    private volatile long lastReadAt;
    private volatile Instant dcsLastSeen;
    private volatile long cycle;
    /** Numbers observations in the order they began (the loop's and {@link #refresh()}'s). */
    private final AtomicLong observations = new AtomicLong();
    /** The number of the observation behind the shown snapshot (guarded by {@code this}). */
    private long shownObservation = -1;

    StatusPublisher(HaContext ctx, LoopState state, LeaseGuard lease, LongSupplier intervalNanos,
                    Supplier<RestartIntent> restart) {
        this.ctx = ctx;
        this.restart = restart;
        this.state = state;
        this.lease = lease;
        this.intervalNanos = intervalNanos;
    }

    StatusSnapshot snapshot() {
        return snapshot.get();
    }

    /** Call before reading the DCS and PostgreSQL for a snapshot; pass the number to {@link #publish}. */
    long beginObservation() {
        return observations.incrementAndGet();
    }

    /** The DCS answered at these times (the REST API shows them). */
    void dcsRead(long monotonicNanos, Instant wall) {
        lastReadAt = monotonicNanos;
        dcsLastSeen = wall;
    }

    void cycle(long n) {
        cycle = n;
    }

    /** R3, R14: refresh the member key with what PostgreSQL is now, after acting; the service follows it. */
    void touchMember(ClusterView view) {
        touchMember(view, ctx.pg().observe());
    }

    /** As {@link #touchMember(ClusterView)} with PostgreSQL as {@code pg} shows it (nothing acted since). */
    void touchMember(ClusterView view, LocalPgState pg) {
        DcsOutcome o = ctx.dcs().touchMember(MemberData.of(ctx.connUrl(), ctx.apiUrl(), pg,
                state.memory().role(), state.tags(), state.config().pause() || view.isPaused(), null,
                scheduledRestart(true)));
        if (!o.ok()) {
            log.warn("could not update the member key: {} {}", o.kind(), o.detail());
            if (o.kind() == DcsOutcome.Kind.UNAVAILABLE) {
                state.dcsWriteTimedOut(true);
            }
            return;
        }
        // Spec 2.6: the service follows the member key (a no-op unless consul.register_service).
        services.update(ctx.dcs(), new ServiceRegistration(state.memory().role().wire(), pg.runState().wire(),
                ctx.connUrl(), ctx.apiUrl()));
    }

    /**
     * The loop ended (R63 shutdown or a fatal exit): withdraw the service unless PostgreSQL still
     * runs (a paused shutdown leaves it serving, and its REST check tells Consul the rest).
     */
    void withdrawService() {
        if (!ctx.pg().observe().postmasterRunning()) {
            services.withdraw(ctx.dcs());
        }
    }

    /** The lease we show clients: none while stepping down, whatever the renewals say. */
    private long claimedLease() {
        return state.steppingDown() ? Long.MIN_VALUE : lease.validUntilNanos();
    }

    /**
     * A demotion starts: the REST API stops answering 200 on /primary now, not when the loop
     * next publishes (the old primary must stop looking healthy before the new one starts).
     */
    void withdrawLeaseClaim() {
        snapshot.updateAndGet(s -> s == null ? null : new StatusSnapshot(s.scope(), s.name(), s.patroniVersion(),
                s.implementation(), s.role(), s.pg(), Long.MIN_VALUE, s.cluster(), s.clusterReadAtNanos(),
                s.dcsLastSeen(), s.config(), s.tags(), s.paused(), s.failsafeActive(), s.watchdogFailed(),
                s.lastMessage(), s.cycle(), s.nextRunNanos(), s.scheduledRestart(), ctx.clock().nanoTime()));
    }

    /**
     * Patroni's {@code failsafe_is_active}: on the primary, its own failsafe check of this cycle; on a
     * replica, a {@code POST /failsafe} from the primary within the last ttl (R42), so every member
     * shows that the cluster is running on failsafe.
     */
    private boolean failsafeActive(long now) {
        if (state.failsafeActive()) {
            return true;
        }
        FailsafeLeader f = state.config().failsafeMode() ? state.failsafeLeader(now) : null;
        return f != null && !f.name().equals(ctx.name());
    }

    /**
     * A new snapshot for the REST API; {@code view} null: the DCS did not answer, show the last view.
     * {@code observation} is the number {@link #beginObservation()} gave before the DCS read of that
     * view: a snapshot built from an older observation than the one shown keeps the shown PostgreSQL
     * state and view (only role, message and the rest are the caller's), so a cycle that read the DCS
     * before a long action took the lock cannot put "unlocked" back over {@link #refresh()}'s answer.
     */
    synchronized void publish(LocalPgState pg, ClusterView view, String message, long observation) {
        StatusSnapshot newer = snapshot.get();
        if (observation < shownObservation && newer != null) {
            // Keep what the newer observation saw; the cycle's decision is still news.
            pg = newer.pg();
            view = newer.cluster();
        } else {
            shownObservation = observation;
        }
        long now = ctx.clock().nanoTime();
        ClusterView shown = view != null ? view : state.lastView();
        snapshot.set(new StatusSnapshot(ctx.scope(), ctx.name(), MemberData.PROTOCOL_VERSION,
                "patroni-jvm " + Version.VALUE, state.memory().role(), pg, claimedLease(), shown,
                lastReadAt, dcsLastSeen, state.config(), state.tags(), state.config().pause(), failsafeActive(now),
                !ctx.watchdog().isHealthy(), message, cycle, now + intervalNanos.getAsLong(), scheduledRestart(false), now));
    }

    /**
     * A long action ended (slot thread): it may have taken the lock (bootstrap) or changed what
     * PostgreSQL is (promote, demote, start). Patroni's REST API asks PostgreSQL per request and
     * shows the cluster it loaded right after taking the lock, so we read both now instead of
     * leaving the REST API on the last cycle's view until the next cycle has published.
     */
    void refresh() {
        long at = beginObservation();
        ClusterView view = null;
        try {
            view = ctx.dcs().loadCluster();
            dcsRead(ctx.clock().nanoTime(), ctx.clock().wallNow());
        } catch (DcsUnavailableException e) {
            log.warn("DCS not accessible after a long action: {}", e.getMessage());
        }
        LocalPgState pg = ctx.pg().observe();
        StatusSnapshot s = snapshot.get();
        publish(pg, view, s == null ? "" : s.lastMessage(), at);
    }

    /** R64: a scheduled restart is visible (member key, /patroni, patronictl list) until it runs or is cancelled. */
    private Map<String, Object> scheduledRestart(boolean withPostmasterStartTime) {
        RestartIntent r = restart.get();
        return r == null ? null : r.scheduledView(withPostmasterStartTime);
    }
}
