package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.Upstream;

/**
 * PostgreSQL is not running (R11) and crash recovery (R33, R34), and the holder's start that
 * takes too long (R7, R35). Single-user crash recovery (R34) is not done: PostgreSQL's own
 * startup replays WAL, and primary_start_timeout bounds it.
 */
final class RecoveryRules {

    private RecoveryRules() {
    }

    /** R11: PostgreSQL not running, data directory valid. */
    static Decision notRunning(HaInput in) {
        if (in.paused()) {
            return in.viewSaysLeader()
                    ? Decision.of(Reason.PAUSED_PG_STOPPED, "postgres is not running; removed leader lock",
                            new Action.ReleaseLock())
                    : Decision.of(Reason.PAUSED_PG_STOPPED, "postgres is not running");
        }
        if (in.holdsLock()) {
            return holderRecovers(in);
        }
        if (in.view().isLocked()) {
            Member leader = Facts.leaderMember(in);
            Step rewind = RewindRules.forFollower(in, leader);
            if (rewind.isTerminal()) {
                return rewind.terminal();
            }
            return Decision.of(Reason.RECOVER_START_REPLICA, "starting as a secondary",
                    new Action.StartPostgres(Facts.wantedUpstream(in, leader), true));
        }
        if (Facts.followsRemote(in)) {                                                               // R59
            return Decision.of(Reason.RECOVER_START_REPLICA,
                    "trying to follow a remote member because standby cluster is unhealthy",
                    new Action.StartPostgres(Facts.remoteUpstream(in), true));
        }
        return Decision.of(Reason.RECOVER_START_REPLICA, "starting as a secondary",
                new Action.StartPostgres(Upstream.NOBODY, true));
    }

    /** R33: we hold the lock (renewed) and PostgreSQL is down. */
    private static Decision holderRecovers(HaInput in) {
        if (Facts.standby(in) != null) {                                                             // R59
            return Decision.of(Reason.RECOVER_START_REPLICA, "starting as a standby leader because i had the session lock",
                    new Action.StartPostgres(Facts.remoteUpstream(in), true));
        }
        if (in.config().primaryStartTimeout() == 0) {
            Verdict v = Healthiest.isFailoverPossible(in, false);
            if (v.needsProbe()) {
                return Decision.of(Reason.PROBING_PEERS, "checking whether a failover is possible",
                        new Action.ProbePeers(v.probe()));
            }
            if (v.yes()) {
                return Decision.of(Reason.RECOVER_FAILOVER,
                        "failing over instead of restarting the crashed primary (primary_start_timeout is 0)",
                        new Action.Demote(DemoteMode.IMMEDIATE, null));
            }
        }
        if (Facts.controlSaysPrimary(in.pg()) && in.memory().role() != Role.REPLICA) {
            return Decision.of(Reason.RECOVER_START_PRIMARY, "starting primary after failure",
                    new Action.StartPostgres(Upstream.NOBODY, false));
        }
        return Decision.of(Reason.RECOVER_START_REPLICA, "starting as readonly because i had the session lock",
                new Action.StartPostgres(Upstream.NOBODY, true));
    }

    /**
     * R7 (no async task) and R6/R35 (an async start or crash recovery): we hold the lock and
     * PostgreSQL has been starting as primary for longer than primary_start_timeout.
     * {@link Step#NEXT} when the timeout has not passed or nobody else could take over.
     */
    static Step startTimedOut(HaInput in, boolean cancelAsync) {
        long since = in.memory().startingSinceNanos();
        if (!Facts.olderThan(in, since, in.config().primaryStartTimeout())) {
            return Step.NEXT;
        }
        Verdict v = Healthiest.isFailoverPossible(in, false);
        if (v.needsProbe()) {
            return Step.done(Decision.of(Reason.PROBING_PEERS, "checking whether a failover is possible",
                    new Action.ProbePeers(v.probe())));
        }
        if (!v.yes()) {
            return Step.NEXT;
        }
        Action demote = new Action.Demote(DemoteMode.IMMEDIATE, null);
        String msg = "primary start has timed out (primary_start_timeout=" + in.config().primaryStartTimeout()
                + "s), demoting to let another member take over";
        return Step.done(cancelAsync
                ? Decision.of(Reason.PRIMARY_START_TIMEOUT, msg, new Action.CancelAsync("primary start timed out"), demote)
                : Decision.of(Reason.PRIMARY_START_TIMEOUT, msg, demote));
    }

    /** R7 without an async task: PostgreSQL reports starting while we hold the lock. */
    static Step startingHolder(HaInput in) {
        if (!in.holdsLock() || in.pg().runState() != PgRunState.STARTING) {
            return Step.NEXT;
        }
        Step timedOut = startTimedOut(in, false);
        return timedOut.isTerminal() ? timedOut
                : Step.done(Decision.of(Reason.WAITING_FOR_START, "PostgreSQL is still starting"));
    }
}
