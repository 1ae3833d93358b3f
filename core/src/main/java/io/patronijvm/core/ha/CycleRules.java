package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The order of one cycle (spec 3.2, R1 to R14). Each stage either decides the cycle or hands
 * actions to run first ({@link Step}). Pause transitions (R2), the member key (R3, R14) and the
 * lock renewal itself are the loop's; their outcomes arrive in {@link HaInput}.
 */
final class CycleRules {

    private CycleRules() {
    }

    static Decision decide(HaInput in) {
        String unsupported = unsupported(in);
        if (unsupported != null) {
            return Decision.of(Reason.UNSUPPORTED_CONFIGURATION, unsupported, new Action.Exit(unsupported));
        }
        if (in.shuttingDown()) {
            return IntentRules.shutdown(in);                                                          // R63
        }
        if (in.view() == null) {
            return dcsUnavailable(in);                                                                // R40
        }
        Decision d = LockRules.lost(in);                                                              // R19, R6, R7
        if (d != null) {
            return d;
        }
        d = LockRules.asyncRunning(in);                                                               // R6
        if (d != null) {
            return d;
        }
        if (in.memory().bootstrapping()) {                                                            // R8
            return Decision.of(Reason.BOOTSTRAP_IN_PROGRESS, "bootstrap in progress");
        }
        d = RecoveryRules.startingHolder(in);                                                         // R7
        if (d != null) {
            return d;
        }
        Step data = DataDirRules.check(in);                                                           // R9, R10
        if (data.isTerminal()) {
            return data.terminal();
        }
        boolean firstPass = in.lastAttempt() == AttemptResult.NONE;
        List<Action> prefix = new ArrayList<>();
        if (firstPass) {
            prefix.addAll(data.prefix());
            prefix.addAll(holderWrites(in, data.prefix()));                                           // R4, R5
        }
        if (firstPass && in.reinitIntent() != null) {                                                 // R66
            Decision r = IntentRules.reinitialize(in);
            if (r.reason() == Reason.REINITIALIZING_REQUESTED) {
                return r.prepend(prefix);
            }
            prefix.addAll(r.actions());
        }
        if (firstPass && in.restartIntent() != null) {                                                // R64
            Decision r = IntentRules.restart(in);
            if (r != null && r.reason() == Reason.RESTARTING) {
                return r.prepend(prefix);
            }
            if (r != null) {
                prefix.addAll(r.actions());
            }
        }
        Decision main = in.pg().postmasterRunning() ? locked(in) : RecoveryRules.notRunning(in);      // R11, R12
        return tail(in, main).prepend(prefix);
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
    static String unsupported(HaInput in) {
        Object sm = in.config().raw().get("synchronous_mode");
        if (sm != null && "quorum".equalsIgnoreCase(sm.toString())) {
            return "synchronous_mode: quorum is not supported by patroni-jvm yet";
        }
        return null;
    }

    /** R40: the DCS did not answer. A primary demotes unless failsafe (R41) keeps it. */
    private static Decision dcsUnavailable(HaInput in) {
        AsyncTask task = in.asyncTask();
        if (in.paused() || !Facts.mightBeWritable(in.pg())) {
            return Decision.of(Reason.DCS_UNAVAILABLE, "DCS is not accessible");
        }
        if (task != null && task.kind() == AsyncKind.DEMOTE) {
            return Decision.of(Reason.DCS_UNAVAILABLE, "DCS is not accessible; demote in progress");
        }
        Decision failsafe = FailsafeRules.onDcsError(in);                                            // R41
        if (failsafe != null) {
            return failsafe;
        }
        String msg = "demoted self because DCS is not accessible and I was a leader"
                + (in.lastAttempt() == AttemptResult.FAILSAFE_FAILED ? " (failsafe: not all members confirmed)" : "");
        Action demote = new Action.Demote(DemoteMode.OFFLINE, null);
        return task != null
                ? Decision.of(Reason.DCS_UNAVAILABLE_DEMOTE, msg, new Action.CancelAsync("DCS is not accessible"), demote)
                : Decision.of(Reason.DCS_UNAVAILABLE_DEMOTE, msg, demote);
    }

    /** R4, R5: the holder repairs {@code initialize} and {@code config}. */
    private static List<Action> holderWrites(HaInput in, List<Action> already) {
        List<Action> out = new ArrayList<>();
        if (!in.holdsLock()) {
            return out;
        }
        boolean writesInit = already.stream().anyMatch(a -> a instanceof Action.WriteInitialize);
        if (!in.view().initializeIsSysid() && !writesInit) {
            out.add(new Action.WriteInitialize(in.pg().sysid()));
        }
        if (in.view().config() == null && !in.config().raw().isEmpty()) {
            out.add(new Action.WriteConfig(in.config().raw()));
        }
        Action failsafe = FailsafeRules.write(in);                                                    // R43
        if (failsafe != null) {
            out.add(failsafe);
        }
        return out;
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
