package io.patronijvm.core.ha;

import io.patronijvm.core.pg.Upstream;

import java.util.ArrayList;
import java.util.List;

/** Unlocked cluster: the leader race (R22 to R24). The DCS answered (the view is not null). */
final class RaceRules {

    private RaceRules() {
    }

    static Decision decide(HaInput in) {
        boolean writable = Facts.mightBeWritable(in.pg());
        switch (in.lastAttempt()) {
            case ACQUIRED:
                return LeaderRules.decide(in, true);                                                  // R22 success
            case LOCK_TAKEN_BY_OTHER:
                return writable && !in.paused()
                        ? Decision.of(Reason.LOCK_TAKEN_BY_OTHER,
                                "demoting self after trying and failing to obtain lock",
                                new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, null))
                        : Decision.of(Reason.LOCK_TAKEN_BY_OTHER,
                                "following new leader after trying and failing to obtain lock");
            case ACQUIRE_FAILED:
                return writable && !in.paused()
                        ? Decision.of(Reason.DCS_UNAVAILABLE_DEMOTE,
                                "demoted self because DCS is not accessible and I was a leader",
                                new Action.Demote(DemoteMode.OFFLINE, null))
                        : Decision.of(Reason.ACQUIRE_FAILED, "failed to acquire the leader lock: DCS did not answer");
            default:
                break;
        }
        Verdict v = Healthiest.isHealthiest(in);
        if (v.needsProbe()) {
            return new Decision(withExtra(v, new Action.ProbePeers(v.probe())), Reason.PROBING_PEERS,
                    "checking peers before the leader race");
        }
        if (v.yes()) {
            return new Decision(withExtra(v, new Action.AcquireLock()),
                    in.paused() ? Reason.PAUSED_PRIMARY_ACQUIRES : Reason.RACING_FOR_LOCK,
                    "trying to acquire the leader lock: " + v.why());
        }
        return notHealthiest(in, v, writable);
    }

    /** R24: follow nobody; a primary that may not race demotes. */
    private static Decision notHealthiest(HaInput in, Verdict v, boolean writable) {
        Reason reason = Healthiest.prePromoteFailedRecently(in) ? Reason.PRE_PROMOTE_FAILED
                : in.paused() ? Reason.PAUSED_NO_RACE : Reason.NOT_HEALTHIEST;
        if (in.paused()) {
            return new Decision(v.extra(), reason, writable
                    ? "continue to run as primary without lock (" + v.why() + ")"
                    : "continue to run as replica without lock");
        }
        if (writable) {
            return new Decision(withExtra(v, new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, null)), reason,
                    "demoting self because i am not the healthiest node (" + v.why() + ")");
        }
        List<Action> actions = new ArrayList<>(v.extra());
        // R24: with no leader a replica follows nobody; in a standby cluster it follows the remote primary (R59).
        Upstream target = Facts.followsRemote(in) ? Facts.remoteUpstream(in) : Upstream.NOBODY;
        if (in.pg().postmasterRunning() && !Facts.follows(in.pg(), target) && !in.selfTags().noStream()) {
            actions.add(new Action.Follow(target));
        }
        return new Decision(actions, reason,
                "following a different leader because i am not the healthiest node (" + v.why() + ")");
    }

    private static List<Action> withExtra(Verdict v, Action last) {
        List<Action> all = new ArrayList<>(v.extra());
        all.add(last);
        return all;
    }
}
