package io.patronijvm.agent.ha;

import io.patronijvm.agent.watchdog.Watchdog;
import io.patronijvm.core.ha.WatchdogStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.pg.LocalPgState;

/**
 * When the loop arms, feeds and disarms the watchdog (R62), and what it tells the decider
 * ({@link io.patronijvm.core.ha.Memory#watchdog()}): Patroni arms it in {@code enforce_primary_role},
 * that is for a lock holder of a normal cluster that is not paused, whose PostgreSQL runs and no
 * long action owns; it disarms it every cycle while paused. The writer of the memory field is here.
 */
final class WatchdogDuty {

    private final HaContext ctx;
    private final LoopState state;

    WatchdogDuty(HaContext ctx, LoopState state) {
        this.ctx = ctx;
        this.state = state;
    }

    /** R2: a paused cluster runs without a watchdog. */
    void afterRead(ClusterView view) {
        if (paused(view)) {
            ctx.watchdog().disable();
        }
    }

    /**
     * After this cycle's renewal: feed it when the key was renewed, arm it when we lead and it is
     * not running, and publish what it allows to the decider.
     */
    void afterRenewal(ClusterView view, LocalPgState pg, boolean renewed) {
        boolean failed = false;
        if (renewed) {
            ctx.watchdog().keepalive();
            failed = mayLead(view, pg) && !arm();
        }
        record(failed);
    }

    /** The race was won in this cycle (R22): arm before the decider promotes. */
    void afterAcquire(ClusterView view, LocalPgState pg) {
        record(mayLead(view, pg) && !arm());
    }

    /** R41: a failsafe confirmation stands in for the leader key update. */
    void keepalive() {
        ctx.watchdog().keepalive();
    }

    /** Demotion, crash recovery, a lost data directory or a clean shutdown. */
    void disable() {
        ctx.watchdog().disable();
    }

    /** Bootstrap (R16): false cancels the initialization when {@code required} cannot be met. */
    boolean armForBootstrap() {
        return ctx.watchdog().activate();
    }

    private boolean arm() {
        Watchdog w = ctx.watchdog();
        return w.isRunning() || w.activate();
    }

    private boolean mayLead(ClusterView view, LocalPgState pg) {
        return !paused(view) && pg.postmasterRunning() && ctx.slot().current() == null
                && !state.memory().bootstrapping() && !standby(view);
    }

    private void record(boolean activationFailed) {
        WatchdogStatus s = new WatchdogStatus(ctx.watchdog().isHealthy(), activationFailed);
        if (!s.equals(state.memory().watchdog())) {
            state.updateMemory(m -> m.withWatchdog(s));
        }
    }

    private boolean paused(ClusterView view) {
        return state.config().pause() || (view != null && view.isPaused());
    }

    private boolean standby(ClusterView view) {
        var sc = state.config().standbyCluster();
        return sc != null && !sc.isEmpty();
    }
}
