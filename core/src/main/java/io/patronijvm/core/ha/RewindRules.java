package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;

/**
 * pg_rewind and reinitialize for a node that must follow {@code leader} (R36 to R39). Answers
 * {@link Step#NEXT} when nothing about divergence needs doing and plain following may go on.
 */
final class RewindRules {

    private RewindRules() {
    }

    static Step forFollower(HaInput in, Member leader) {
        if (leader == null || leader.role() != Role.PRIMARY) {
            return Step.NEXT;  // R37: only against a leader whose member key says primary
        }
        boolean canRewind = in.local().usePgRewind() && in.pg().rewindPossible();                     // R36
        boolean reinitAllowed = in.local().removeDataOnDivergedTimelines();
        RewindState state = in.memory().rewind();
        if (state == RewindState.NEED) {
            if (canRewind) {
                if (Boolean.FALSE.equals(leader.checkpointAfterPromote())) {                          // R38.3
                    return Step.done(Decision.of(Reason.REWINDING, "waiting for checkpoint after promote on "
                            + "leader (" + leader.name() + ") before pg_rewind"));
                }
                return Step.done(Decision.of(Reason.REWINDING, "running pg_rewind from " + leader.name(),
                        new Action.Rewind(leader)));
            }
            if (reinitAllowed) {                                                                      // R39
                return Step.done(Decision.of(Reason.REINITIALIZING_DIVERGED,
                        "reinitializing due to diverged timelines", new Action.Reinitialize(leader, "diverged timelines")));
            }
            if (in.pg().postmasterRunning()) {
                return Step.done(Decision.of(Reason.DIVERGED_CANNOT_FIX, "timeline diverged from leader ("
                        + leader.name() + ") but neither pg_rewind (use_pg_rewind with wal_log_hints or checksums) nor "
                        + "remove_data_directory_on_diverged_timelines is available"));
            }
            return Step.NEXT;
        }
        if (state == RewindState.FAILED) {                                                            // R38
            if (in.local().removeDataOnRewindFailure() || reinitAllowed) {
                return Step.done(Decision.of(Reason.REINITIALIZING_AFTER_REWIND_FAILURE,
                        "reinitializing because pg_rewind failed", new Action.Reinitialize(leader, "pg_rewind failed")));
            }
            return Step.NEXT;
        }
        boolean leaderAhead = in.pg().timeline() > 0 && leader.timeline() != null
                && leader.timeline() > in.pg().timeline();
        if ((canRewind || reinitAllowed) && in.lastAttempt() != AttemptResult.REWIND_CHECKED
                && (state == RewindState.CHECK || leaderAhead)) {                                      // R37, R20
            return Step.done(Decision.of(Reason.CHECKING_DIVERGENCE, "checking timeline divergence with leader ("
                    + leader.name() + ")", new Action.CheckRewind(leader)));
        }
        return Step.NEXT;
    }
}
