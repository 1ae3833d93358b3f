package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.Upstream;

/** A running node in a cluster locked by another member (R20). */
final class FollowerRules {

    private FollowerRules() {
    }

    static Decision decide(HaInput in) {
        Member leader = Facts.leaderMember(in);
        String leaderName = in.view().leader().name();
        if (Facts.mightBeWritable(in.pg())) {
            if (in.paused()) {                                                                        // R47
                return Decision.of(Reason.PAUSED_PRIMARY_WITHOUT_LOCK,
                        "continue to run as primary without lock; another member (" + leaderName + ") holds it");
            }
            return Decision.of(Reason.DEMOTED_NOT_HOLDER,
                    "demoting self because I do not have the lock and I was a leader",
                    new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, Facts.wantedUpstream(in, leader)));
        }
        Step rewind = RewindRules.forFollower(in, leader);
        if (rewind.isTerminal()) {
            return rewind.terminal();
        }
        if (in.paused()) {
            return Decision.of(Reason.FOLLOWING_LEADER, "continue to run as replica without lock");
        }
        String msg = "no action. I am (" + in.self() + "), a secondary, and following a leader (" + leaderName + ")";
        if (leader == null) {
            return Decision.of(Reason.FOLLOWING_LEADER, msg);  // no member key for the leader: keep what we have
        }
        Upstream wanted = Facts.wantedUpstream(in, leader);
        if (Facts.follows(in.pg(), wanted)) {
            return Decision.of(Reason.FOLLOWING_LEADER, msg);
        }
        String whom = wanted.isNobody() ? "nobody" : wanted.memberName();
        return Decision.of(Reason.FOLLOW_RECONFIGURED,
                "following a leader (" + leaderName + "): changing primary_conninfo to " + whom,
                new Action.Follow(wanted));
    }
}
