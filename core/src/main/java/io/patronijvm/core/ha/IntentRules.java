package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.status.RestartRequest;

import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;

/** Operator requests (R64 restart, R66 reinitialize) and shutdown (R63). */
final class IntentRules {

    private IntentRules() {
    }

    /** R63: SIGTERM. Paused: PostgreSQL and the lock stay. */
    static Decision shutdown(HaInput in) {
        if (in.paused()) {
            return Decision.of(Reason.SHUTDOWN, "shutting down; leaving postgres running and the leader lock in place",
                    new Action.ShutdownStop(false, false));
        }
        boolean leader = in.viewSaysLeader() || (in.view() == null && in.pg().isPrimary());
        Action stop = new Action.ShutdownStop(true, leader);
        return in.asyncTask() != null
                ? Decision.of(Reason.SHUTDOWN, "shutting down", new Action.CancelAsync("shutdown"), stop)
                : Decision.of(Reason.SHUTDOWN, "shutting down", stop);
    }

    /**
     * R66 as a stage of the cycle: a started reinitialize ends the cycle; a refusal only answers
     * the request and the cycle goes on.
     */
    static Step reinitializeStep(HaInput in) {
        if (in.reinitIntent() == null) {
            return Step.NEXT;
        }
        Decision d = reinitialize(in);
        return d.reason() == Reason.REINITIALIZING_REQUESTED ? Step.done(d) : Step.then(d.actions());
    }

    /** R66: reinitialize on request (allowed in pause, R46). The decision is a start or a refusal. */
    static Decision reinitialize(HaInput in) {
        if (in.viewSaysLeader()) {
            return refuse(Action.IntentKind.REINITIALIZE, Reason.REINITIALIZE_REFUSED,
                    "I am the leader, can not reinitialize");
        }
        if (!in.view().isLocked()) {
            return refuse(Action.IntentKind.REINITIALIZE, Reason.REINITIALIZE_REFUSED,
                    "Cluster has no leader, can not reinitialize");
        }
        Member leader = Facts.leaderMember(in);
        Optional<Member> cloneFrom = in.reinitIntent().fromLeader() ? Optional.empty()
                : in.view().members().stream()
                        .filter(m -> !m.name().equals(in.self()) && m.tags().cloneFrom() && m.isRunning())
                        .min(Comparator.comparing(Member::name));
        Member source = cloneFrom.orElse(leader);
        if (source == null) {
            return refuse(Action.IntentKind.REINITIALIZE, Reason.REINITIALIZE_REFUSED,
                    "the leader's member key is missing, can not reinitialize");
        }
        return Decision.of(Reason.REINITIALIZING_REQUESTED, "reinitializing from " + source.name(),
                new Action.Reinitialize(source, "requested"));
    }

    /**
     * R64: restart on request, as a stage of the cycle: a restart ends the cycle; a refusal only
     * answers the request; a scheduled restart that is not due yet says nothing (the cycle goes
     * on as usual; the loop should wake at the scheduled time).
     */
    static Step restart(HaInput in) {
        if (in.restartIntent() == null) {
            return Step.NEXT;
        }
        RestartRequest r = in.restartIntent().request();
        if (r.schedule() != null) {
            // As Patroni: a scheduled restart waits (and stays visible) until due, then its
            // conditions are checked against the node as it is at that moment.
            if (in.paused()) {
                return refuseRestart("scheduled restart is not allowed in a paused state");
            }
            String at = in.restartIntent().postmasterStartTimeAtRequest();
            if (at != null && in.pg().postmasterStartTime() != null && !at.equals(in.pg().postmasterStartTime())) {
                return refuseRestart("scheduled restart cancelled: postgres restarted since it was scheduled");
            }
            long delta = Duration.between(in.wallNow(), r.schedule().toInstant()).toMillis();
            if (delta > 0) {
                return Step.NEXT;
            }
            if (-delta > in.config().loopWait() * 1500L) {
                return refuseRestart("found a stale scheduled restart (" + r.schedule() + "), cleaning up");
            }
        }
        Role mine = in.pg().isPrimary() ? Role.PRIMARY : Role.REPLICA;
        if (r.role() != null && r.role() != mine) {
            return refuseRestart("restart conditions are not satisfied: role is " + mine.wire());
        }
        if (r.postgresVersion() > 0 && in.pg().serverVersion() >= r.postgresVersion()) {
            return refuseRestart("restart conditions are not satisfied: postgres version " + in.pg().serverVersion()
                    + " is not below " + r.postgresVersion());
        }
        if (r.restartPending() && !in.pg().pendingRestart()) {
            return refuseRestart("restart conditions are not satisfied: no restart pending");
        }
        return Step.done(Decision.of(Reason.RESTARTING,
                r.schedule() != null ? "restarting after schedule" : "restarting postgres", new Action.Restart()));
    }

    private static Step refuseRestart(String why) {
        return Step.then(refuse(Action.IntentKind.RESTART, Reason.RESTART_REFUSED, why).actions());
    }

    private static Decision refuse(Action.IntentKind kind, Reason reason, String why) {
        return Decision.of(reason, why, new Action.RefuseIntent(kind, why));
    }
}
