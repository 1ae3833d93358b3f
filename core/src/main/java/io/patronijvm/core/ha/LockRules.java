package io.patronijvm.core.ha;

/**
 * Losing the lock (R19 failure, R6, R7, decision 3) and the async slot (R6). The DCS answered
 * in this cycle (the view is not null).
 */
final class LockRules {

    private LockRules() {
    }

    /**
     * We held the lock (the view names us, or the lease timer fired) and cannot prove it now:
     * fence at once. {@link Step#NEXT} when the lock is not lost.
     *
     * <p>After cancelling a promote we always demote: {@code pg_ctl promote} may already have
     * signalled the postmaster, so the server could become writable after we observed it.
     */
    static Step lost(HaInput in) {
        boolean wasHolder = in.viewSaysLeader() || in.lock() == LockState.LEASE_EXPIRED;
        if (!wasHolder || in.lock().renewed() || in.lastAttempt() == AttemptResult.ACQUIRED) {
            return Step.NEXT;
        }
        return Step.done(fence(in));
    }

    private static Decision fence(HaInput in) {
        if (in.paused()) {                                                                            // R19, R44
            return Decision.of(Reason.LOCK_LOST_PAUSED, "failed to update leader lock in DCS, postgres keeps running");
        }
        if (in.lock() == LockState.RENEW_FAILED_UNAVAILABLE) {                                        // R40, R41
            Step failsafe = FailsafeRules.onDcsError(in);
            if (failsafe.isTerminal()) {
                return failsafe.terminal();
            }
        }
        boolean writable = Facts.mightBeWritable(in.pg());
        Action demote = new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, null);
        AsyncTask task = in.asyncTask();
        if (task != null && task.kind() == AsyncKind.PROMOTE) {                                       // R6
            return Decision.of(Reason.ASYNC_LOST_LEADER, "lost leader before promote",
                    new Action.CancelAsync("lost leader before promote"), demote);
        }
        if (task != null && task.kind() != AsyncKind.DEMOTE && task.kind() != AsyncKind.BOOTSTRAP && writable) {
            return Decision.of(Reason.DEMOTED_LOCK_LOST, "demoted self because failed to update leader lock in DCS",
                    new Action.CancelAsync("lost the leader lock"), demote);
        }
        if (task != null) {
            return Decision.of(Reason.ASYNC_IN_PROGRESS, task.kind().text() + " in progress");
        }
        if (writable) {                                                                               // R19 failure
            return Decision.of(Reason.DEMOTED_LOCK_LOST, "demoted self because failed to update leader lock in DCS",
                    demote);
        }
        return Decision.of(Reason.NOT_PROMOTING_LOCK_LOST, "not promoting because failed to update leader lock in DCS");
    }

    /** R6: a long action occupies the async slot. {@link Step#NEXT} when the slot is idle. */
    static Step asyncRunning(HaInput in) {
        return in.asyncTask() == null ? Step.NEXT : Step.done(whileBusy(in, in.asyncTask()));
    }

    private static Decision whileBusy(HaInput in, AsyncTask task) {
        if (in.reinitIntent() != null && in.reinitIntent().force()) {                                 // R66 force
            Decision reinit = IntentRules.reinitialize(in);
            if (reinit.reason() == Reason.REINITIALIZING_REQUESTED) {
                return reinit.prepend(java.util.List.of(new Action.CancelAsync("reinitialize with force")));
            }
            return reinit;
        }
        if (in.holdsLock()) {
            if (task.kind() == AsyncKind.START || task.kind() == AsyncKind.CRASH_RECOVERY
                    || task.kind() == AsyncKind.RESTART) {                                            // R6, R35
                Step timedOut = RecoveryRules.startTimedOut(in, true);
                if (timedOut.isTerminal()) {
                    return timedOut.terminal();
                }
            }
            return Decision.of(Reason.ASYNC_IN_PROGRESS, "updated leader lock during " + task.kind().text());
        }
        if (!in.memory().bootstrapping() && !in.paused()) {
            Action demote = new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, null);
            if (task.kind() == AsyncKind.PROMOTE) {
                return Decision.of(Reason.ASYNC_LOST_LEADER, "lost leader before promote",
                        new Action.CancelAsync("lost leader before promote"), demote);
            }
            if (task.kind() != AsyncKind.DEMOTE && task.kind() != AsyncKind.BOOTSTRAP
                    && Facts.mightBeWritable(in.pg())) {
                return Decision.of(Reason.DEMOTED_NOT_HOLDER,
                        "demoting self because I do not have the lock and I was a leader",
                        new Action.CancelAsync("not the lock holder"), demote);
            }
        }
        return Decision.of(Reason.ASYNC_IN_PROGRESS, task.kind().text() + " in progress");
    }
}
