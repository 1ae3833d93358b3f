package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The order of one cycle (spec 3.2, R1 to R14; docs/rules.md, "The order of a cycle"). Every
 * stage answers with a {@link Step}: it ends the cycle with its decision, or lets the next stage
 * decide, possibly with actions to run first. The last stage always decides. Pause transitions
 * (R2), the member key (R3, R14) and the lock renewal itself are the loop's; their outcomes arrive
 * in {@link HaInput}.
 */
final class CycleRules {

    /**
     * One stage. {@code firstPassOnly}: skipped when the decider is called again after an
     * attempt in the same cycle (its actions, if any, already ran in the first pass).
     */
    private record Stage(boolean firstPassOnly, Function<HaInput, Step> rule) {
    }

    private static final List<Stage> STAGES = List.of(
            new Stage(false, CycleRules::unsupported),                                                // decision 7
            new Stage(false, CycleRules::shutdown),                                                   // R63
            new Stage(false, CycleRules::dcsUnavailable),                                             // R40
            new Stage(false, LockRules::lost),                                                        // R19, R6, R7
            new Stage(false, LockRules::asyncRunning),                                                // R6
            new Stage(false, CycleRules::bootstrapping),                                              // R8
            new Stage(false, RecoveryRules::startingHolder),                                          // R7
            new Stage(false, DataDirRules::check),                                                    // R9, R10
            new Stage(true, CycleRules::holderWrites),                                                // R4, R5, R43
            new Stage(true, IntentRules::reinitializeStep),                                           // R66
            new Stage(true, IntentRules::restart),                                                    // R64
            new Stage(false, CycleRules::running));                                                   // R11 to R13

    private CycleRules() {
    }

    /**
     * Runs the stages in order. Actions a stage hands on run before the final decision's, and
     * only in the first pass of a cycle: on a re-decision they have already run.
     */
    static Decision decide(HaInput in) {
        boolean firstPass = in.lastAttempt() == AttemptResult.NONE;
        List<Action> prefix = new ArrayList<>();
        for (Stage stage : STAGES) {
            if (stage.firstPassOnly() && !firstPass) {
                continue;
            }
            Step step = stage.rule().apply(in);
            if (step.isTerminal()) {
                return step.terminal().prepend(prefix);
            }
            if (firstPass) {
                prefix.addAll(step.prefix());
            }
        }
        throw new IllegalStateException("the last stage of the cycle always decides");
    }

    private static Step unsupported(HaInput in) {
        String why = unsupportedReason(in);
        return why == null ? Step.NEXT
                : Step.done(Decision.of(Reason.UNSUPPORTED_CONFIGURATION, why, new Action.Exit(why)));
    }

    private static Step shutdown(HaInput in) {
        return in.shuttingDown() ? Step.done(IntentRules.shutdown(in)) : Step.NEXT;
    }

    private static Step bootstrapping(HaInput in) {
        return in.memory().bootstrapping()
                ? Step.done(Decision.of(Reason.BOOTSTRAP_IN_PROGRESS, "bootstrap in progress")) : Step.NEXT;
    }

    /** R11, R12, R13: PostgreSQL runs (who holds the lock decides) or not (recovery). */
    private static Step running(HaInput in) {
        Decision main = in.pg().postmasterRunning() ? locked(in) : RecoveryRules.notRunning(in);
        return Step.done(tail(in, main));
    }

    /** R12: who holds the lock decides which rules apply. */
    private static Decision locked(HaInput in) {
        if (in.lastAttempt() == AttemptResult.ACQUIRED) {
            return LeaderRules.decide(in, true);
        }
        if (in.viewSaysLeader()) {
            return LeaderRules.decide(in, false);  // renewed: LockRules.lost handled every other outcome
        }
        return in.view().isLocked() ? FollowerRules.decide(in) : RaceRules.decide(in);
    }

    /** Decision 7: what patroni-jvm refuses to run with, or null. */
    static String unsupportedReason(HaInput in) {
        Object sm = in.config().raw().get("synchronous_mode");
        if (sm != null && "quorum".equalsIgnoreCase(sm.toString())) {
            return "synchronous_mode: quorum is not supported by patroni-jvm yet";
        }
        return null;
    }

    /** R40: the DCS did not answer. A primary demotes unless failsafe (R41) keeps it. */
    private static Step dcsUnavailable(HaInput in) {
        return in.view() == null ? Step.done(withoutDcs(in)) : Step.NEXT;
    }

    private static Decision withoutDcs(HaInput in) {
        AsyncTask task = in.asyncTask();
        if (!in.paused() && task == null && fencedAndStopped(in)) {
            // Patroni's offline demote ends by starting PostgreSQL as a replica of nobody. When the
            // lease timer fenced us instead (between cycles, or inside a hung DCS call, while the
            // cycle could not demote), the stop happened there and the start is still owed: read-only
            // (standby.signal), so the lease argument holds, and the node serves reads meanwhile.
            return Decision.of(Reason.DCS_UNAVAILABLE_DEMOTE, "demoted self because DCS is not accessible and I was a leader",
                    new Action.StartPostgres(null, true));
        }
        if (in.paused() || !Facts.mightBeWritable(in.pg())) {
            // R57: with failsafe a replica keeps its logical slots up with the primary's POST /failsafe.
            List<Action> advance = in.config().failsafeMode() && !in.paused() && in.failsafeSlots() != null
                    ? SlotRules.logical(in) : List.of();
            return Decision.of(Reason.DCS_UNAVAILABLE, "DCS is not accessible", advance.toArray(Action[]::new));
        }
        if (task != null && task.kind() == AsyncKind.DEMOTE) {
            return Decision.of(Reason.DCS_UNAVAILABLE, "DCS is not accessible; demote in progress");
        }
        Step failsafe = FailsafeRules.onDcsError(in);                                                // R41
        if (failsafe.isTerminal()) {
            return failsafe.terminal();
        }
        String msg = "demoted self because DCS is not accessible and I was a leader"
                + (in.lastAttempt() == AttemptResult.FAILSAFE_FAILED ? " (failsafe: not all members confirmed)" : "");
        Action demote = new Action.Demote(DemoteMode.OFFLINE, null);
        return task != null
                ? Decision.of(Reason.DCS_UNAVAILABLE_DEMOTE, msg, new Action.CancelAsync("DCS is not accessible"), demote)
                : Decision.of(Reason.DCS_UNAVAILABLE_DEMOTE, msg, demote);
    }

    /**
     * We stepped down from primary (the lease timer's fence, or a demote whose start failed) and
     * PostgreSQL is not running. The role stays DEMOTED until PostgreSQL is started again, so a
     * cycle that could not start it (the slot still busy) leaves the start to the next one.
     */
    private static boolean fencedAndStopped(HaInput in) {
        return in.memory().role() == Role.DEMOTED && !in.pg().postmasterRunning();
    }

    /**
     * R4, R5, R43: the holder repairs {@code initialize}, {@code config} and {@code failsafe}.
     * (Adopting a data directory, R10, writes {@code initialize} only when nobody holds the lock,
     * so the two never both write it.)
     */
    private static Step holderWrites(HaInput in) {
        List<Action> out = new ArrayList<>();
        if (!in.holdsLock()) {
            return Step.NEXT;
        }
        if (!in.view().initializeIsSysid()) {
            out.add(new Action.WriteInitialize(in.pg().sysid()));
        }
        if (in.view().config() == null && !in.config().raw().isEmpty()) {
            out.add(new Action.WriteConfig(in.config().raw()));
        }
        Action failsafe = FailsafeRules.write(in);                                                    // R43
        if (failsafe != null) {
            out.add(failsafe);
        }
        return Step.then(out);
    }

    /** R13: slots, on_start the first time PostgreSQL is seen running, and the published role. */
    private static Decision tail(HaInput in, Decision main) {
        boolean busy = main.redecides() || main.actions().stream().anyMatch(a -> a.isLong()
                || a instanceof Action.Exit || a instanceof Action.ReleaseLock || a instanceof Action.StopPostgres);
        if (busy || !in.pg().acceptsConnections()) {
            return main;
        }
        List<Action> extra = new ArrayList<>();
        Action slots = SlotRules.sync(in);
        if (slots != null) {
            extra.add(slots);
        }
        extra.addAll(SlotRules.logical(in));                                                          // R57
        Role role = publishedRole(in);
        if (role != null && role != in.memory().role() && RoleTransitions.allowed(in.memory().role(), role)) {
            extra.add(new Action.SetRole(role));
        }
        if (!in.memory().pgSeenRunning()) {
            extra.add(new Action.RunCallback(CallbackEvent.ON_START, role != null ? role : Facts.callbackRole(in)));
        }
        return main.append(extra);
    }

    /** The role observation supports: primary with the lock, or a replica without it; null otherwise. */
    private static Role publishedRole(HaInput in) {
        if (in.pg().isPrimary() && in.holdsLock()) {
            return Role.PRIMARY;
        }
        if (in.pg().isReplica() && !in.holdsLock()) {
            return Role.REPLICA;
        }
        return null;
    }
}
