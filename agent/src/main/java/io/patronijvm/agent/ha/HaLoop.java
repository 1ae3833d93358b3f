package io.patronijvm.agent.ha;

import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.ha.AttemptResult;
import io.patronijvm.core.ha.DataDirRules;
import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.ha.LockState;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.status.IntentResult;
import io.patronijvm.core.status.StatusSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One node's HA loop (spec 3.2; docs/architecture.md, "One cycle"). A cycle reads
 * observe, decide, execute, publish: observe the DCS and PostgreSQL once (applying configuration
 * changes and renewing the lease on the way, {@link ConfigApplier}, {@link LeaseRenewal}), decide,
 * act and decide again on the outcome (bounded), then publish the member key and a snapshot
 * ({@link StatusPublisher}) and log one line. The lease timer fences on its own thread
 * ({@link SelfFence}). {@link #runCycle()} is one synchronous cycle (the simulator calls it
 * directly); {@link #run()} paces cycles by loop_wait ({@link LeaseRenewal#intervalNanos}), wakes early on
 * the leader watch and on requests (a request cancels the watch in flight, {@link Wakeup}).
 */
public final class HaLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(HaLoop.class);
    /**
     * Each cycle's wall time, at DEBUG on its own logger so bench/scale can turn it on alone
     * ({@link io.patronijvm.agent.logging.ConsoleLogConfigurator#CYCLE_TIMING_ENV}) without the rest of the DEBUG output.
     */
    private static final Logger timing = LoggerFactory.getLogger(io.patronijvm.agent.logging.ConsoleLogConfigurator.CYCLE_TIMING_LOGGER);
    /** Re-decisions in one cycle: probe, then acquire, then one more is the longest useful chain. */
    static final int MAX_ROUNDS = 4;

    private final HaContext ctx;
    private final Function<HaInput, Decision> decider;
    private final LoopState state = new LoopState();
    private final IntentBox intents = new IntentBox();
    private final LeaseGuard lease;
    private final LeaseRenewal renewal;
    private final ActionExecutor executor;
    private final Wakeup wakeup = new Wakeup();
    private final ConfigApplier configs;
    private final StatusPublisher publisher;
    private final SelfFence fence;
    private final LeaderStatus leaderStatus = new LeaderStatus();
    private final FreshStatus restStatus;
    /** Whether this process wrote its member key yet (the loop thread's own). */
    private boolean touchedThisRun;
    private final WatchdogDuty watchdog;
    private final EventRecorder events;
    private volatile int timeline;
    private volatile boolean stopped;
    private volatile boolean shuttingDown;
    private long cycle;
    private long nextDue = Long.MIN_VALUE;

    /** What one cycle observed: the view (null when the DCS did not answer) and PostgreSQL. */
    private record Observation(ClusterView view, LocalPgState pg, long number) {
    }

    /** {@code decider} is {@code HaDecider::decide} in production; tests may wrap it. */
    public HaLoop(HaContext ctx, Function<HaInput, Decision> decider) {
        this.ctx = ctx;
        state.tags(ctx.tags());
        this.decider = decider;
        this.lease = new LeaseGuard(ctx.clock(), ctx.timers(), validUntil -> fence().leaseLapsed(validUntil));
        this.renewal = new LeaseRenewal(ctx, state, lease);
        this.publisher = new StatusPublisher(ctx, state, lease, renewal::intervalNanos, intents::restart);
        this.executor = new ActionExecutor(ctx, state, renewal, lease, intents, () -> stopped = true,
                this::longActionEnded, publisher::withdrawLeaseClaim);
        this.configs = new ConfigApplier(ctx, state);
        this.events = new EventRecorder(ctx.name(), new EventLog());
        state.onRoleChange((from, to, why) -> events.roleChanged(ctx.clock().wallNow(), from, to, why, timeline));
        this.fence = new SelfFence(ctx, state, publisher, events, this::wakeUp);
        this.restStatus = new FreshStatus(ctx.clock(), ctx.pg(), publisher::snapshot);
        this.watchdog = new WatchdogDuty(ctx, state);
        FailsafeRescue rescue = new FailsafeRescue(ctx, state, new FailsafeCheck(ctx, state, renewal), watchdog);
        lease.onNearing(leaseNanos -> FailsafeRescue.headroom(leaseNanos).toNanos(), rescue);
    }

    /** Slot thread: show what the action left behind now (it may have taken the lock), then run a cycle. */
    private void longActionEnded() {
        publisher.refresh();
        wakeup.signal();
    }

    /** The node's recent HA events (status page, {@code GET /events}). */
    public EventLog events() {
        return events.log();
    }

    private SelfFence fence() {
        return fence;
    }

    public LeaseGuard lease() {
        return lease;
    }

    public LoopState state() {
        return state;
    }

    public IntentBox intents() {
        return intents;
    }

    public StatusSnapshot snapshot() {
        return publisher.snapshot();
    }

    /** What the REST API serves: the snapshot, with a replica's WAL positions kept current ({@link FreshStatus}). */
    public StatusSnapshot restSnapshot() {
        return restStatus.get();
    }

    /** What a HEAD/OPTIONS health check reads: as {@link #restSnapshot()}, renewed by the light query. */
    public StatusSnapshot healthSnapshot() {
        return restStatus.forHealthCheck();
    }

    public boolean stopped() {
        return stopped;
    }

    public void wakeUp() {
        wakeup.signal();
    }

    /**
     * R65: a reloaded local {@code postgresql} section (SIGHUP, {@code POST /reload}); the loop
     * hands it to PostgreSQL at the start of its next cycle, never from the caller's thread.
     */
    public void offerLocalPostgresql(PostgresqlConfig local) {
        configs.offerLocal(local);
        wakeUp();
    }

    /** A reload's tags: decided with and published from the next cycle on. */
    public void offerTags(io.patronijvm.core.model.Tags reloaded) {
        state.tags(reloaded);
        wakeUp();
    }

    /** Reload (R62): the local watchdog section; the facade applies it now or at the next keepalive. */
    public void offerWatchdog(io.patronijvm.core.config.WatchdogConfig reloaded) {
        ctx.watchdog().reloadSection(reloaded);
    }

    /** SIGTERM (R63): the next cycle decides the shutdown; {@link #run()} returns after it. */
    public void requestShutdown() {
        shuttingDown = true;
        wakeUp();
    }

    @Override
    public void run() {
        while (!stopped) {
            long start = ctx.clock().nanoTime();
            if (nextDue != Long.MIN_VALUE && start - nextDue > state.config().loopWaitDuration().toNanos()) {
                log.warn("cycle started {} ms late: loop stalled or clock jumped", (start - nextDue) / 1_000_000);
            }
            runCycle();
            nextDue = start + intervalNanos();
            try {
                waitForNext();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Time between cycles: loop_wait, shorter for a leader whose provable lease needs renewing sooner. */
    public long intervalNanos() {
        return renewal.intervalNanos();
    }

    private void waitForNext() throws InterruptedException {
        while (!stopped && ctx.clock().nanoTime() - nextDue < 0 && !wakeup.take()) {
            Duration left = Duration.ofNanos(nextDue - ctx.clock().nanoTime());
            ClusterView v = state.lastView();
            // Decision 4: a replica blocks on the leader key so it races as soon as the key goes; for the
            // whole rest of the cycle, as Patroni's, since a wake-up cancels the request in flight.
            if (v != null && v.leader() != null && !v.isLeader(ctx.name()) && ctx.slot().current() == null) {
                if (ctx.dcs().watchLeader(v.leader().version(), left, wakeup)) {
                    return;
                }
            } else {
                wakeup.await(left);
            }
        }
    }

    /** One HA cycle, synchronously. */
    public void runCycle() {
        renewal.cycleStarted(ctx.clock().nanoTime());
        cycle++;
        publisher.cycle(cycle);
        MDC.put("member", ctx.name());
        MDC.put("cycle", Long.toString(cycle));
        long began = ctx.clock().nanoTime();
        try {
            Decision d = cycleBody();
            log.info("{}", d.message());
            if (timing.isDebugEnabled()) {
                timing.debug("cycle took {} us", (ctx.clock().nanoTime() - began) / 1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            MDC.remove("member");
            MDC.remove("cycle");
        }
    }

    private Decision cycleBody() throws InterruptedException {
        Observation seen = observe();
        if (seen.view() != null && !stopped && (!touchedThisRun || seen.view().member(ctx.name()).isEmpty())
                && !DataDirRules.belongsToAnotherCluster(seen.view(), seen.pg().sysid())) {
            // Patroni's first cycle: a member without its key announces itself before deciding or
            // acting; so does a start that finds the key of its previous run (still bound to that
            // run's session): the DCS shows this run without waiting for PostgreSQL's start.
            // Not a node whose data belongs to another cluster: it exits in this cycle (R10), and
            // Patroni 3.0.2's early key would list it as a member of this one for up to ttl.
            touchedThisRun = true;
            publisher.touchMember(seen.view(), seen.pg());
        }
        LockState lock = renewal.renew(seen.view());
        if (lock == LockState.RENEWED) {
            leaderStatus.afterRenewal(ctx.dcs(), seen.view(), seen.pg(), state.config(), state.tags()); // R19: update_lock(update_status=True)
        }
        watchdog.afterRenewal(seen.view(), seen.pg(), lock == LockState.RENEWED);
        List<Decision> rounds = new ArrayList<>();
        Decision d = decideAndExecute(input(seen, lock), rounds);
        events.cycle(ctx.clock().wallNow(), seen.view(), rounds, seen.pg().timeline());
        // Nothing acted on PostgreSQL since it was observed: the member key shows that observation,
        // as Patroni's shows the cycle's (its cluster_info_state), instead of a second query.
        boolean acted = ctx.slot().current() != null || rounds.stream().anyMatch(r -> !r.actions().isEmpty());
        publish(seen, d, acted);
        return d;
    }

    /**
     * Reads the DCS and PostgreSQL once. Configuration changes in the view take effect before the
     * decision (spec 2.2), as does a reloaded local section (R65).
     */
    private Observation observe() {
        long number = publisher.beginObservation();
        ClusterView view;
        try {
            if (state.takeDcsWriteTimedOut() && state.config().failsafeMode()
                    && lease.holds(ctx.clock().nanoTime())) {
                // R40/R41: a leader whose last write hung must reach its failsafe check within the provable
                // lease; a second blocking call (this read) would spend another retry_timeout first.
                throw new DcsUnavailableException("the member key update of the last cycle got no answer: "
                        + "checking the failsafe topology without reading the DCS first");
            }
            view = ctx.dcs().loadCluster();
            publisher.dcsRead(ctx.clock().nanoTime(), ctx.clock().wallNow());
        } catch (DcsUnavailableException e) {
            log.warn("DCS not accessible: {}", e.getMessage());
            view = null;
        }
        LocalPgState pg = ctx.pg().observe();
        timeline = pg.timeline();
        state.failsafeActive(false); // set again by this cycle's failsafe check (R40)
        if (view != null) {
            configs.applyDynamic(view);
            state.lastView(view);
            view = withFailsafeLeader(view);
            watchdog.afterRead(view);
        }
        configs.applyToPostgres(pg);
        configs.applyLocalReload();
        if (view != null) {
            enforceHotStandbyFeedback(view, pg);
        }
        return new Observation(view, pg, number);
    }

    /** R57: nodes that may hold a permanent logical slot run with hot_standby_feedback on. */
    private void enforceHotStandbyFeedback(ClusterView view, LocalPgState pg) {
        try {
            ctx.pg().enforceHotStandbyFeedback(io.patronijvm.core.ha.LogicalSlotRules.hotStandbyFeedback(view,
                    state.config(), ctx.name(), state.tags(), pg.serverVersion()));
        } catch (io.patronijvm.core.pg.PgException e) {
            log.warn("could not apply hot_standby_feedback: {}", e.getMessage());
        }
    }

    private HaInput input(Observation seen, LockState lock) {
        long now = ctx.clock().nanoTime();
        state.updateMemory(m -> HaDecider.observe(m, lock, seen.pg(), now)); // primary_start_timeout's clock (R7)
        return new HaInput(ctx.name(), state.tags(), seen.view(), seen.pg(), state.config(), ctx.local(),
                now, ctx.clock().wallNow(), lock, null, AttemptResult.NONE, state.memory(),
                ctx.slot().current(), intents.restart(), intents.reinit(), shuttingDown, failsafeSlots(seen));
    }

    /**
     * R57: with failsafe on and the key not ours, a fresh failsafe announcement's slot positions
     * (Patroni's {@code Failsafe.update_cluster}); null otherwise.
     */
    private java.util.Map<String, Long> failsafeSlots(Observation seen) {
        if (!state.config().failsafeMode() || (seen.view() != null && seen.view().isLeader(ctx.name()))) {
            return null;
        }
        FailsafeLeader f = state.failsafeLeader(ctx.clock().nanoTime());
        return f == null || f.name().equals(ctx.name()) ? null : f.slots();
    }

    /**
     * Decide, act, and while the last action was an attempt, decide again on its outcome (style
     * guideline 1). Every round's decision is added to {@code rounds} (the event log reads them).
     */
    private Decision decideAndExecute(HaInput first, List<Decision> rounds) throws InterruptedException {
        HaInput in = first;
        Decision d = decider.apply(in);
        rounds.add(d);
        for (int round = 1; ; round++) {
            ActionExecutor.Result r = executor.execute(d.actions(), in);
            if (!d.redecides() || round >= MAX_ROUNDS) {
                return d;
            }
            in = in.after(r.attempt(), r.peers(), state.memory());
            d = decider.apply(in);
            rounds.add(d);
        }
    }

    private void publish(Observation seen, Decision d, boolean acted) {
        if (seen.view() != null && !stopped) {
            if (acted) {
                publisher.touchMember(seen.view());
            } else {
                publisher.touchMember(seen.view(), seen.pg());
            }
        }
        if (stopped) {
            publisher.withdrawService();
        }
        publisher.publish(seen.pg(), seen.view(), d.message(), seen.number());
    }

    /** R42: a view without a leader key names the primary that announced failsafe to us, while fresh. */
    private ClusterView withFailsafeLeader(ClusterView view) {
        if (view.isLocked() || !state.config().failsafeMode()) {
            return view;
        }
        FailsafeLeader f = state.failsafeLeader(ctx.clock().nanoTime());
        if (f == null || f.name().equals(ctx.name())) {
            return view;
        }
        log.info("no leader key, but {} announced failsafe: following it instead of racing (R42)", f.name());
        return f.applyTo(view);
    }

    /**
     * R42: {@code POST /failsafe} from the primary {@code leader} (REST thread). Refused when this
     * node itself runs as primary, and while it takes or holds the leader key (LoopState's
     * exclusion of promise and race); otherwise that primary is our leader for ttl seconds.
     */
    public IntentResult acceptFailsafe(String leader, String connUrl, String apiUrl) {
        return acceptFailsafe(leader, connUrl, apiUrl, java.util.Map.of());
    }

    /** As {@link #acceptFailsafe(String, String, String)}, with the primary's logical slot positions (R57). */
    public IntentResult acceptFailsafe(String leader, String connUrl, String apiUrl, java.util.Map<String, Long> slots) {
        StatusSnapshot s = publisher.snapshot();
        if (ctx.name().equals(leader) || (s != null && s.pg() != null && s.pg().isPrimary()
                && s.role() == Role.PRIMARY)) {
            return IntentResult.refused("Running as a leader");
        }
        long until = ctx.clock().nanoTime() + Duration.ofSeconds(state.config().ttl()).toNanos();
        if (!state.offerFailsafeLeader(new FailsafeLeader(leader, connUrl, apiUrl, until, slots),
                () -> lease.validUntilNanos() != Long.MIN_VALUE)) {
            return IntentResult.refused("Running as a leader");
        }
        return IntentResult.done("Accepted");
    }
}
