package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.ha.Action;
import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.ha.AttemptResult;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.ha.RewindState;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.core.status.IntentResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Performs a decision's actions through the ports (style guideline 1: the switch is exhaustive
 * over the sealed {@link Action}). Quick actions run inline and a DCS write failure stops the
 * list; long ones go to the async slot; a re-deciding action returns its outcome.
 */
public final class ActionExecutor {

    private static final Logger log = LoggerFactory.getLogger(ActionExecutor.class);

    /** What the loop needs back: an attempt outcome for re-deciding actions, and peer statuses. */
    public record Result(AttemptResult attempt, Map<String, PeerStatus> peers) {
        static final Result NONE = new Result(AttemptResult.NONE, null);
    }

    private final HaContext ctx;
    private final LoopState state;
    private final LeaseGuard lease;
    private final LeaseRenewal renewal;
    private final Runnable stepDown;
    private final LongActions longActions;
    private final IntentBox intents;
    private final Runnable stopLoop;
    private final Runnable actionDone;
    private final FailsafeCheck failsafe;
    private final WatchdogDuty watchdog;

    /**
     * {@code actionDone} runs when a long action ends (in the slot's thread): the loop passes its
     * wake-up, so the role a demotion or promotion leaves behind is observed and published at once
     * instead of at the next scheduled cycle (the REST API, and with it HAProxy, reads that snapshot).
     */
    ActionExecutor(HaContext ctx, LoopState state, LeaseRenewal renewal, LeaseGuard lease, IntentBox intents,
                   Runnable stopLoop, Runnable actionDone, Runnable stepDown) {
        this.ctx = ctx;
        this.renewal = renewal;
        this.actionDone = actionDone;
        this.state = state;
        this.lease = lease;
        this.intents = intents;
        this.stopLoop = stopLoop;
        this.longActions = new LongActions(ctx, state, renewal, lease, stopLoop, stepDown);
        this.stepDown = stepDown;
        this.failsafe = new FailsafeCheck(ctx, state, renewal);
        this.watchdog = new WatchdogDuty(ctx, state);
    }

    /** Runs the actions in order; returns the outcome of a final re-deciding action, or NONE. */
    public Result execute(List<Action> actions, HaInput in) throws InterruptedException {
        for (Action a : actions) {
            switch (a) {
                case Action.Attempt t -> {
                    return attempt(t, in);
                }
                case Action.LongRunning l -> submitLong(l, in.view());
                case Action.Quick q -> {
                    if (!quick(q, in)) {
                        log.warn("stopping this cycle's actions after {} failed", q);
                        return Result.NONE;
                    }
                }
            }
        }
        return Result.NONE;
    }

    private void submitLong(Action.LongRunning a, ClusterView view) {
        // R64/R66: the intent leaves the box when its action starts, or the next cycle would repeat it.
        CompletableFuture<IntentResult> answer = switch (a) {
            case Action.Restart r -> intents.claim(Action.IntentKind.RESTART);
            case Action.Reinitialize r -> intents.claim(Action.IntentKind.REINITIALIZE);
            default -> null;
        };
        boolean clone = a.kind() == io.patronijvm.core.ha.AsyncKind.CLONE;
        AsyncSlot.Job job = clone ? cloneJob(longActions.job(a, view)) : longActions.job(a, view);
        Runnable done = clone ? this::cloneDone : actionDone;
        boolean restart = a instanceof Action.Restart;
        AsyncSlot.Job answered = answer == null || !restart ? job : () -> {
            try {
                job.run();
                answer.complete(IntentResult.done("restarted successfully"));
            } catch (Exception e) {
                answer.complete(new IntentResult(IntentResult.Kind.FAILED, "restart failed: " + e.getMessage()));
                throw e;
            }
        };
        boolean ok = ctx.slot().submit(a.kind(), answered, done);
        if (!ok) {
            log.warn("async slot busy with {}; not starting {}", ctx.slot().current(), a);
        }
        if (answer != null && !restart) {
            // Patroni answers POST /reinitialize once the rebuild has started, not when it ends.
            answer.complete(ok ? IntentResult.done("reinitialize started")
                    : new IntentResult(IntentResult.Kind.FAILED, "reinitialize not started: " + ctx.slot().current()
                            + " in progress"));
        } else if (answer != null && !ok) {
            answer.complete(new IntentResult(IntentResult.Kind.FAILED, "restart not started: "
                    + ctx.slot().current() + " in progress"));
        }
    }

    /** Whether the last replica creation this executor ran succeeded (read by its done hook). */
    private volatile boolean lastCloneOk;

    private AsyncSlot.Job cloneJob(AsyncSlot.Job job) {
        return () -> {
            lastCloneOk = false;
            job.run();
            lastCloneOk = true;
        };
    }

    /**
     * A replica that could not be created wakes nobody: the next attempt comes with the next
     * scheduled cycle (loop_wait later), as Patroni's failed clone returns nothing to its loop.
     * Waking at once made a clone that fails before it starts (an unusable conn_url, a leader
     * that refuses connections) retry every few milliseconds and flood the log.
     */
    private void cloneDone() {
        if (lastCloneOk) {
            actionDone.run();
        }
    }

    private Result attempt(Action.Attempt a, HaInput in) throws InterruptedException {
        return switch (a) {
            case Action.ProbePeers p -> new Result(AttemptResult.PROBED,
                    ctx.peers().probe(p.members(), ctx.probeTimeout()));
            case Action.RaceInitialize r -> new Result(ctx.dcs().raceInitialize().ok()
                    ? AttemptResult.INITIALIZE_WON : AttemptResult.INITIALIZE_LOST, null);
            case Action.AcquireLock l -> acquire(in);
            case Action.CheckFailsafe c -> {
                AttemptResult r = failsafe.check(in);
                if (r == AttemptResult.FAILSAFE_OK) {
                    watchdog.keepalive(); // R40: the confirmed topology stands in for the key update
                }
                yield new Result(r, null);
            }
            case Action.CheckRewind c -> {
                RewindVerdict v = ctx.pg().checkDivergence(c.leader());
                if (v != RewindVerdict.UNKNOWN) {
                    state.updateMemory(m -> m.withRewind(v == RewindVerdict.NEEDED ? RewindState.NEED
                            : RewindState.NOT_NEEDED));
                }
                yield new Result(AttemptResult.REWIND_CHECKED, null);
            }
        };
    }

    private Result acquire(HaInput in) {
        if (!state.beginAcquire(ctx.name(), ctx.clock().nanoTime())) {
            log.info("not taking the leader key: a primary announced failsafe to us after this cycle's read (R42)");
            return new Result(AttemptResult.LOCK_TAKEN_BY_OTHER, null);
        }
        try {
            long start = ctx.clock().nanoTime(); // the lease counts from before the request left
            DcsOutcome o = ctx.dcs().acquireLeader();
            if (o.ok()) {
                renewal.renewedFrom(start);
                watchdog.afterAcquire(in.view(), in.pg()); // R21: armed before the decider may promote
                return new Result(AttemptResult.ACQUIRED, null);
            }
            return new Result(o.kind() == DcsOutcome.Kind.CONFLICT ? AttemptResult.LOCK_TAKEN_BY_OTHER
                    : AttemptResult.ACQUIRE_FAILED, null);
        } finally {
            state.endAcquire();
        }
    }

    /** One quick action; false when a DCS write failed (the rest of the list is skipped). */
    private boolean quick(Action.Quick a, HaInput in) throws InterruptedException {
        ClusterView view = in.view();
        try {
            return switch (a) {
                case Action.WriteInitialize w -> ok(ctx.dcs().writeInitialize(w.sysid()));
                case Action.WriteConfig w -> ok(ctx.dcs().writeConfig(w.config(), 0));
                case Action.StopPostgres s -> {
                    ctx.pg().stop(s.mode(), ctx.startTimeout());
                    watchdog.disable(); // R9: the data directory went away, maybe while we were primary
                    yield true;
                }
                case Action.Follow f -> {
                    if (!ctx.pg().follow(f.upstream())) {
                        submitLong(new Action.Restart(), view);
                    }
                    yield true;
                }
                case Action.ReleaseLock r -> {
                    DcsOutcome o = view == null || view.leader() == null ? DcsOutcome.OK
                            : ctx.dcs().releaseLeader(view.leader());
                    lease.clear();
                    yield ok(o);
                }
                case Action.ClearFailover c -> ok(ctx.dcs().writeFailover(null, c.version()));
                case Action.CancelAsync c -> {
                    ctx.slot().cancel(c.why());
                    yield true;
                }
                case Action.SyncSlots s -> {
                    ctx.pg().syncReplicationSlots(s.wanted());
                    yield true;
                }
                case Action.AdvanceSlots s -> {
                    ctx.pg().advanceLogicalSlots(s.positions());
                    yield true;
                }
                case Action.SetSyncStandbyNames s -> {
                    ctx.pg().setSynchronousStandbyNames(s.value());
                    yield true;
                }
                case Action.WriteSync w -> ok(ctx.dcs().writeSync(w.state(), w.expectedVersion()));
                case Action.DeleteSync d -> ok(ctx.dcs().deleteSync(d.expectedVersion()));
                case Action.UpdateHistory u -> updateHistory(in);
                case Action.SetRole r -> {
                    state.setRole(r.role());
                    yield true;
                }
                case Action.RunCallback c -> {
                    if (c.event() == CallbackEvent.ON_START) {
                        firstSeenRunning();
                    }
                    ctx.callbacks().fire(c.event(), c.role());
                    yield true;
                }
                case Action.ShutdownStop s -> {
                    shutdownStop(s, view);
                    yield true;
                }
                case Action.RefuseIntent r -> {
                    intents.refuse(r.kind(), r.why());
                    yield true;
                }
                case Action.Exit e -> {
                    log.error("FATAL: {}", e.fatalReason());
                    stopLoop.run();
                    yield false;
                }
                case Action.WriteFailsafe w -> {
                    DcsOutcome o = ctx.dcs().writeFailsafe(w.members());
                    if (!o.ok()) {
                        log.warn("could not write /failsafe: {} {}", o.kind(), o.detail()); // retried next cycle (R43)
                    }
                    yield true;
                }
            };
        } catch (PgException e) {
            log.error("{} failed: {}", a, e.getMessage());
            return true; // a PostgreSQL failure is reported by the next observation, the list goes on
        }
    }

    /**
     * R13: the decider asks for on_start while {@code pgSeenRunning} is false, so remember that it
     * fired (once per agent start, not every cycle), and trigger the divergence check (R37): a node
     * back after a crash or an agent restart checks its history against the leader before following.
     */
    private void firstSeenRunning() {
        state.updateMemory(m -> m.withPgSeenRunning(true)
                .withRewind(m.rewind() == RewindState.INITIAL ? RewindState.CHECK : m.rewind()));
    }

    private boolean ok(DcsOutcome o) {
        if (!o.ok()) {
            log.warn("DCS write failed: {} {}", o.kind(), o.detail());
        }
        return o.ok();
    }

    private boolean updateHistory(HaInput in) {
        ClusterView view = in.view();
        LocalPgState pg = in.pg();
        if (view == null || pg.timeline() <= 1) {
            return true;
        }
        List<HistoryEntry> h = new ArrayList<>(view.history());
        int prev = pg.timeline() - 1;
        if (h.stream().anyMatch(e -> e.timeline() == prev)) {
            return true;
        }
        long lsn = state.lastPromoteLsn() >= 0 ? state.lastPromoteLsn() : pg.walPosition();
        h.add(new HistoryEntry(prev, lsn, "no recovery target specified", in.wallNow().toString(), ctx.name()));
        int max = in.config().maxTimelinesHistory();
        if (max > 0 && h.size() > max) {
            h = h.subList(h.size() - max, h.size());
        }
        return ok(ctx.dcs().writeHistory(h));
    }

    /**
     * R63: fast stop; as leader release the lock once a replica has the shutdown checkpoint. Paused
     * ({@code stopPostgres} false): PostgreSQL keeps running and the lock stays, only the loop ends.
     */
    private void shutdownStop(Action.ShutdownStop s, ClusterView view) throws InterruptedException {
        if (!s.stopPostgres()) {
            watchdog.disable();
            stopLoop.run();
            return;
        }
        state.steppingDown(true);
        stepDown.run();
        boolean stopped = ctx.pg().stop(io.patronijvm.core.pg.StopMode.FAST, ctx.startTimeout());
        if (stopped) {
            watchdog.disable(); // a failed stop leaves the watchdog running, as the lock stays (R63)
        } else {
            log.error("PostgreSQL shutdown failed, leader key not removed.{}",
                    ctx.watchdog().isRunning() ? " Leaving watchdog running." : "");
        }
        if (stopped && s.asLeader()) {
            SwitchoverRelease.waitAndRelease(ctx, lease, view, state.config().synchronousMode());
        }
        if (!stopped) {
            state.steppingDown(false); // the stop failed: still the primary, the lock stays (R63)
        }
        stopLoop.run();
    }
}
