package io.patronijvm.core.ha;

import io.patronijvm.core.model.Failover;

import java.util.ArrayList;
import java.util.List;

/** The lock holder's duties (R19, R21, R22 success, R30 hook, history). */
final class LeaderRules {

    private LeaderRules() {
    }

    /**
     * We hold the lock: renewed in this cycle ({@code acquired=false}) or just acquired in the race
     * ({@code acquired=true}, R22).
     */
    static Decision decide(HaInput in, boolean acquired) {
        List<Action> prefix = new ArrayList<>();
        Failover f = Facts.failover(in);
        if (acquired) {
            if (f != null) {
                prefix.add(new Action.ClearFailover(f.version()));                                   // R22
            }
        } else if (in.paused() && !in.pg().isPrimary() && Facts.standby(in) == null) {               // R19 paused
            if (f != null && in.self().equals(f.candidate())) {
                return Decision.of(Reason.WAITING_TO_BECOME_PRIMARY, "waiting to become primary after promote...");
            }
            return Decision.of(Reason.PAUSED_RELEASED_LOCK,
                    "removed leader lock because postgres is not running as primary", new Action.ReleaseLock());
        }
        Step failover = acquired ? Step.NEXT : FailoverRules.leaderSide(in);                          // R30
        if (failover.isTerminal()) {
            return failover.terminal();
        }
        prefix.addAll(failover.prefix());
        Decision d = Facts.standby(in) != null ? StandbyRules.leader(in, acquired) : enforcePrimaryRole(in, acquired);
        if (failover.report() != null && d.reason() == Reason.LEADER_RENEWED) {
            // The plain "no action" line gives way to what the failover key made us do or wait for.
            d = new Decision(d.actions(), failover.report().reason(), failover.report().message());
        }
        return d.prepend(prefix);
    }

    /** R21 {@code enforce_primary_role}. */
    private static Decision enforcePrimaryRole(HaInput in, boolean acquired) {
        boolean primary = in.pg().isPrimary();
        if (!in.paused() && in.memory().watchdog().activationFailed()) {
            // The loop armed the watchdog after renewing or acquiring the lock, and mode required failed.
            return primary
                    ? Decision.of(Reason.WATCHDOG_ACTIVATION_FAILED,
                            "Demoting self because watchdog could not be activated",
                            new Action.Demote(DemoteMode.IMMEDIATE, null))
                    : Decision.of(Reason.WATCHDOG_ACTIVATION_FAILED,
                            "Not promoting self because watchdog could not be activated", new Action.ReleaseLock());
        }
        if (!primary && Healthiest.prePromoteFailedRecently(in)) {
            return Decision.of(Reason.PRE_PROMOTE_FAILED,
                    "released leader key voluntarily because the pre_promote script failed", new Action.ReleaseLock());
        }
        if (primary) {
            List<Action> actions = new ArrayList<>(SyncRules.leader(in));
            if (in.pg().timeline() > 1 && in.pg().timeline() > in.view().clusterTimeline()) {
                actions.add(new Action.UpdateHistory());
            }
            if (acquired) {
                return new Decision(actions, Reason.PROMOTED_BY_ACQUIRING_LOCK, "acquired session lock as a leader");
            }
            return new Decision(actions, Reason.LEADER_RENEWED,
                    "no action. I am (" + in.self() + "), the leader with the lock");
        }
        if (!in.pg().isReplica()) {
            return Decision.of(Reason.WAITING_FOR_START,
                    "not promoting yet: postgres is not accepting connections");
        }
        return acquired
                ? Decision.of(Reason.PROMOTED_BY_ACQUIRING_LOCK, "promoted self to leader by acquiring session lock",
                        new Action.Promote())
                : Decision.of(Reason.PROMOTING_HELD_LOCK, "promoted self to leader because I had the session lock",
                        new Action.Promote());
    }
}
