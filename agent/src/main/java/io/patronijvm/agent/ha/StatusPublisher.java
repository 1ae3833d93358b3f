package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.status.StatusSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.patronijvm.core.ha.RestartIntent;

import java.time.Instant;
import java.util.Map;
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
        LocalPgState pg = ctx.pg().observe();
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

    /** A new snapshot for the REST API; {@code view} null: the DCS did not answer, show the last view. */
    void publish(LocalPgState pg, ClusterView view, String message) {
        long now = ctx.clock().nanoTime();
        ClusterView shown = view != null ? view : state.lastView();
        snapshot.set(new StatusSnapshot(ctx.scope(), ctx.name(), MemberData.PROTOCOL_VERSION,
                "patroni-jvm " + Version.VALUE, state.memory().role(), pg, lease.validUntilNanos(), shown,
                lastReadAt, dcsLastSeen, state.config(), state.tags(), state.config().pause(), failsafeActive(now),
                !ctx.watchdog().isHealthy(), message, cycle, now + intervalNanos.getAsLong(), scheduledRestart(false), now));
    }

    /** R64: a scheduled restart is visible (member key, /patroni, patronictl list) until it runs or is cancelled. */
    private Map<String, Object> scheduledRestart(boolean withPostmasterStartTime) {
        RestartIntent r = restart.get();
        return r == null ? null : r.scheduledView(withPostmasterStartTime);
    }
}
