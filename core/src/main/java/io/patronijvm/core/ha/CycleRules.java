package io.patronijvm.core.ha;

/** The order of one cycle (spec 3.2, R1 to R14). */
final class CycleRules {

    private CycleRules() {
    }

    static Decision decide(HaInput in) {
        if (in.view() == null) {
            return in.pg().isPrimary()
                    ? Decision.of(Reason.DCS_UNAVAILABLE_DEMOTE,
                            "demoted self because DCS is not accessible and I was a leader",
                            new Action.Demote(DemoteMode.OFFLINE, null))
                    : Decision.of(Reason.DCS_UNAVAILABLE, "DCS is not accessible");
        }
        return Decision.of(Reason.FOLLOWING_LEADER, "no action");
    }
}
