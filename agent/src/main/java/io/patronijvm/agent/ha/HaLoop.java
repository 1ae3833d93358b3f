package io.patronijvm.agent.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.ha.AttemptResult;
import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.ha.LeaseMath;
import io.patronijvm.core.ha.LockState;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.status.StatusSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One node's HA loop (spec 3.2): observe once, renew the lock if the view says it is ours,
 * decide, act, decide again on the outcome (bounded), refresh the member key, publish a snapshot,
 * log one line. {@link #runCycle()} is one synchronous cycle (the simulator calls it directly);
 * {@link #run()} paces cycles by loop_wait, wakes early on the leader watch and on requests.
 */
public final class HaLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(HaLoop.class);
    /** Re-decisions in one cycle: probe, then acquire, then one more is the longest useful chain. */
    static final int MAX_ROUNDS = 4;
    /** The watch and the wake-up wait run in slices this long so a request is seen promptly. */
    private static final Duration WAIT_SLICE = Duration.ofSeconds(1);

    private final HaContext ctx;
    private final Function<HaInput, Decision> decider;
    private final LoopState state = new LoopState();
    private final IntentBox intents = new IntentBox();
    private final LeaseGuard lease;
    private final ActionExecutor executor;
    private final Wakeup wakeup = new Wakeup();
    private final DynamicConfigCache cache;
    private final ServiceRegistrations services = new ServiceRegistrations();
    private final AtomicReference<io.patronijvm.core.config.PostgresqlConfig> pendingLocal = new AtomicReference<>();
    private final AtomicReference<StatusSnapshot> snapshot = new AtomicReference<>();
    private final LeaderStatus leaderStatus = new LeaderStatus();
    private final FreshStatus restStatus;
    private volatile boolean stopped;
    private volatile boolean shuttingDown;
    private long cycle;
    private long nextDue = Long.MIN_VALUE;
    private long lastReadAt;
    private Instant dcsLastSeen;
    private String lastMessage = "starting";
    private java.util.Map<String, Object> appliedToPg;

    /** {@code decider} is {@code HaDecider::decide} in production; tests may wrap it. */
    public HaLoop(HaContext ctx, Function<HaInput, Decision> decider) {
        this.ctx = ctx;
        this.decider = decider;
        this.lease = new LeaseGuard(ctx.clock(), ctx.timers(), this::selfFence);
        this.executor = new ActionExecutor(ctx, state, lease, intents, () -> stopped = true, wakeup::signal);
        this.cache = new DynamicConfigCache(ctx.dataDir());
        this.restStatus = new FreshStatus(ctx.clock(), ctx.pg(), snapshot::get);
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
        return snapshot.get();
    }

    /** What the REST API serves: the snapshot, with a replica's WAL positions kept current ({@link FreshStatus}). */
    public StatusSnapshot restSnapshot() {
        return restStatus.get();
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
    public void offerLocalPostgresql(io.patronijvm.core.config.PostgresqlConfig local) {
        pendingLocal.set(local);
        wakeUp();
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
        DynamicConfig c = state.config();
        return lease.validUntilNanos() != Long.MIN_VALUE
                ? LeaseMath.renewIntervalForLease(ctx.leaseRule().applyAsLong(c.ttl()), c.loopWait())
                : c.loopWaitDuration().toNanos();
    }

    private void waitForNext() throws InterruptedException {
        while (!stopped && ctx.clock().nanoTime() - nextDue < 0 && !wakeup.take()) {
            Duration left = Duration.ofNanos(nextDue - ctx.clock().nanoTime());
            Duration slice = left.compareTo(WAIT_SLICE) < 0 ? left : WAIT_SLICE;
            ClusterView v = state.lastView();
            // Decision 4: a replica blocks on the leader key so it races as soon as the key goes.
            if (v != null && v.leader() != null && !v.isLeader(ctx.name()) && ctx.slot().current() == null) {
                if (ctx.dcs().watchLeader(v.leader().version(), slice)) {
                    return;
                }
            } else {
                wakeup.await(slice);
            }
        }
    }

    /** One HA cycle, synchronously. */
    public void runCycle() {
        cycle++;
        MDC.put("member", ctx.name());
        MDC.put("cycle", Long.toString(cycle));
        try {
            Decision d = cycleBody();
            lastMessage = d.message();
            log.info("{}", d.message());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            MDC.remove("member");
            MDC.remove("cycle");
        }
    }

    private Decision cycleBody() throws InterruptedException {
        ClusterView view;
        try {
            view = ctx.dcs().loadCluster();
            lastReadAt = ctx.clock().nanoTime();
            dcsLastSeen = ctx.clock().wallNow();
        } catch (DcsUnavailableException e) {
            log.warn("DCS not accessible: {}", e.getMessage());
            view = null;
        }
        LocalPgState pg = ctx.pg().observe();
        state.failsafeActive(false); // set again by this cycle's failsafe check (R40)
        if (view != null) {
            applyConfig(view);
            state.lastView(view);
            view = withFailsafeLeader(view);
        }
        applyToPostgres(pg);
        applyLocalReload();
        LockState lock = renew(view);
        if (lock == LockState.RENEWED) {
            leaderStatus.afterRenewal(ctx.dcs(), view, pg); // R19: update_lock(update_status=True)
        }
        HaInput in = new HaInput(ctx.name(), ctx.tags(), view, pg, state.config(), ctx.local(),
                ctx.clock().nanoTime(), ctx.clock().wallNow(), lock, null, AttemptResult.NONE, state.memory(),
                ctx.slot().current(), intents.restart(), intents.reinit(), shuttingDown);
        Decision d = decider.apply(in);
        for (int round = 1; ; round++) {
            ActionExecutor.Result r = executor.execute(d.actions(), in);
            if (!d.redecides() || round >= MAX_ROUNDS) {
                break;
            }
            in = in.after(r.attempt(), r.peers(), state.memory());
            d = decider.apply(in);
        }
        if (view != null && !stopped) {
            touchMember(view);
        }
        if (stopped) {
            withdrawService();
        }
        publish(pg, view, d.message());
        return d;
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
     * node itself runs as primary; otherwise that primary is our leader for ttl seconds.
     */
    public io.patronijvm.core.status.IntentResult acceptFailsafe(String leader, String connUrl, String apiUrl) {
        StatusSnapshot s = snapshot.get();
        if (ctx.name().equals(leader) || (s != null && s.pg() != null && s.pg().isPrimary()
                && s.role() == io.patronijvm.core.model.Role.PRIMARY)) {
            return io.patronijvm.core.status.IntentResult.refused("Running as a leader");
        }
        long until = ctx.clock().nanoTime() + Duration.ofSeconds(state.config().ttl()).toNanos();
        state.failsafeLeader(new FailsafeLeader(leader, connUrl, apiUrl, until));
        return io.patronijvm.core.status.IntentResult.done("Accepted");
    }

    private LockState renew(ClusterView view) {
        if (state.takeLeaseLapsed()) {
            return LockState.LEASE_EXPIRED;
        }
        if (view == null) {
            return lease.holds(ctx.clock().nanoTime()) ? LockState.RENEW_FAILED_UNAVAILABLE : LockState.NOT_HOLDER;
        }
        if (!view.isLeader(ctx.name())) {
            lease.clear(); // T3: the freshly read key is not ours
            return LockState.NOT_HOLDER;
        }
        long start = ctx.clock().nanoTime();
        DcsOutcome o = ctx.dcs().updateLeader(view.leader());
        return switch (o.kind()) {
            case OK -> {
                lease.renewed(start, Duration.ofNanos(ctx.leaseRule().applyAsLong(state.config().ttl())));
                yield LockState.RENEWED;
            }
            case SESSION_LOST, CONFLICT -> {
                lease.clear();
                yield LockState.RENEW_FAILED_SESSION_LOST;
            }
            case UNAVAILABLE -> LockState.RENEW_FAILED_UNAVAILABLE;
        };
    }

    private void applyConfig(ClusterView view) {
        if (view.config() == null) {
            return;
        }
        DynamicConfig.Parsed parsed = DynamicConfig.fromMap(view.config().data());
        DynamicConfig next = parsed.config();
        DynamicConfig prev = state.config();
        if (!next.raw().equals(prev.raw())) {
            parsed.warnings().forEach(w -> log.warn("dynamic configuration: {}", w));
            if (next.ttl() != prev.ttl() || next.retryTimeout() != prev.retryTimeout()) {
                ctx.dcs().applyTiming(next.ttl(), next.retryTimeout());
            }
            state.config(next);
            try {
                cache.store(view.config().data());
            } catch (IOException e) {
                log.warn("could not write patroni.dynamic.json: {}", e.getMessage());
            }
        }
    }

    /**
     * Hands the dynamic configuration to PostgreSQL (its parameters, pg_hba, slots settings) when it
     * changed since the last hand-over. Only once a data directory exists: writing configuration
     * files into an empty directory would make initdb or pg_basebackup refuse it.
     */
    private void applyToPostgres(LocalPgState pg) {
        DynamicConfig c = state.config();
        if (pg.dataDir() != io.patronijvm.core.pg.DataDirState.VALID || c.raw().equals(appliedToPg)
                || ctx.slot().current() != null || !belongsToCluster(pg)) {
            return;
        }
        try {
            ctx.pg().applyDynamicConfig(c);
            appliedToPg = c.raw();
        } catch (io.patronijvm.core.pg.PgException e) {
            log.warn("could not apply the dynamic configuration to postgres: {}", e.getMessage());
        }
    }

    /** R65: a reloaded local section, once no long action owns PostgreSQL's files. */
    private void applyLocalReload() {
        if (ctx.slot().current() != null) {
            return; // kept for the next cycle
        }
        io.patronijvm.core.config.PostgresqlConfig local = pendingLocal.getAndSet(null);
        if (local == null) {
            return;
        }
        try {
            ctx.pg().applyLocalConfig(local);
        } catch (io.patronijvm.core.pg.PgException e) {
            log.warn("reloaded postgresql configuration not applied: {}", e.getMessage());
        }
    }

    /**
     * Whether the data directory is known to be this cluster's: no DCS view yet means we cannot
     * tell, and an {@code initialize} sysid other than ours means R10 is about to exit on it. Either
     * way its files stay as they are (scenario 10: a data directory of another cluster is left intact).
     */
    private boolean belongsToCluster(LocalPgState pg) {
        ClusterView v = state.lastView();
        return v != null && !(v.initializeIsSysid() && !v.initialize().equals(pg.sysid()));
    }

    private void touchMember(ClusterView view) {
        LocalPgState pg = ctx.pg().observe(); // after acting: publish what PostgreSQL is now
        DcsOutcome o = ctx.dcs().touchMember(MemberData.of(ctx.connUrl(), ctx.apiUrl(), pg,
                state.memory().role(), ctx.tags(), state.config().pause() || view.isPaused(), null));
        if (!o.ok()) {
            log.warn("could not update the member key: {} {}", o.kind(), o.detail());
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
    private void withdrawService() {
        if (!ctx.pg().observe().postmasterRunning()) {
            services.withdraw(ctx.dcs());
        }
    }

    private void publish(LocalPgState pg, ClusterView view, String message) {
        long now = ctx.clock().nanoTime();
        ClusterView shown = view != null ? view : state.lastView();
        snapshot.set(new StatusSnapshot(ctx.scope(), ctx.name(), MemberData.PROTOCOL_VERSION,
                "patroni-jvm " + Version.VALUE, state.memory().role(), pg, lease.validUntilNanos(), shown,
                lastReadAt, dcsLastSeen, state.config(), ctx.tags(), state.config().pause(), state.failsafeActive(), false,
                message,
                cycle, now + intervalNanos(), null, now));
    }

    /**
     * Decision 3: the provable lease ran out without a renewal. Runs on the timer thread: cancel
     * any long action (a promotion must not finish now) and stop PostgreSQL at once; the next
     * cycle sees LEASE_EXPIRED and brings it back as a replica.
     */
    private void selfFence(long validUntil) {
        MDC.put("member", ctx.name());
        try {
            state.markLeaseLapsed();
            ctx.slot().cancel("provable leader lease ran out");
            LocalPgState pg = ctx.pg().observe();
            if (pg.isPrimary()) {
                log.warn("provable leader lease ran out without a renewal: stopping PostgreSQL immediately");
                ctx.pg().stop(StopMode.IMMEDIATE, ctx.startTimeout());
                state.setRole(io.patronijvm.core.model.Role.DEMOTED);
            }
            publish(ctx.pg().observe(), null, "demoted self because the leader lease could not be renewed");
            wakeUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove("member");
        }
    }
}
