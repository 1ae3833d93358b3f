package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.Upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * The lock holder of a standby cluster (R59, Patroni's {@code enforce_follow_remote_member}):
 * it never promotes; it follows the remote primary and publishes {@code standby_leader},
 * firing {@code on_role_change} once when it takes that role.
 */
final class StandbyRules {

    private StandbyRules() {
    }

    static Decision leader(HaInput in, boolean acquired) {
        Upstream remote = Facts.remoteUpstream(in);
        if (Facts.mightBeWritable(in.pg())) {
            if (in.paused()) {
                return Decision.of(Reason.PAUSED_PRIMARY_WITHOUT_LOCK, "continue to run as primary without lock");
            }
            return Decision.of(Reason.DEMOTED_NOT_HOLDER, "cannot be a real primary in standby cluster",
                    new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, remote));
        }
        if (!in.pg().isReplica()) {
            return Decision.of(Reason.WAITING_FOR_START, "not following the remote member yet: postgres is not "
                    + "accepting connections");
        }
        String msg = acquired ? "promoted self to a standby leader by acquiring session lock"
                : "no action. I am (" + in.self() + "), the standby leader with the lock";
        if (in.paused()) {
            return Decision.of(Reason.LEADER_RENEWED, msg);
        }
        List<Action> actions = new ArrayList<>();
        if (!Facts.follows(in.pg(), remote)) {
            actions.add(new Action.Follow(remote));
        }
        if (in.memory().role() != Role.STANDBY_LEADER) {
            actions.add(new Action.SetRole(Role.STANDBY_LEADER));
            actions.add(new Action.RunCallback(CallbackEvent.ON_ROLE_CHANGE, Role.STANDBY_LEADER));
        }
        Reason reason = acquired ? Reason.PROMOTED_BY_ACQUIRING_LOCK
                : actions.isEmpty() ? Reason.LEADER_RENEWED : Reason.FOLLOW_RECONFIGURED;
        return new Decision(actions, reason, msg);
    }
}
