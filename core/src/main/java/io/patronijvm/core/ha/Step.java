package io.patronijvm.core.ha;

import java.util.List;

/**
 * What one stage of the cycle says; the single "decided or keep going" protocol of
 * {@link CycleRules} (docs/rules.md, "The order of a cycle"). A stage either ends the cycle with
 * its decision ({@link #done}), or lets later stages decide, optionally handing them actions to
 * run first ({@link #then}, {@link #NEXT}).
 *
 * <p>{@code report} is for the leader's own stage ({@link LeaderRules}): a reason and sentence to
 * use instead of the plain "no action" line when nothing else happens (a scheduled switchover
 * waiting for its time, a failover key cleared). Null when the stage has nothing to say.
 */
record Step(Decision terminal, List<Action> prefix, Decision report) {

    /** Nothing decided, nothing to run first. */
    static final Step NEXT = new Step(null, List.of(), null);

    Step {
        prefix = List.copyOf(prefix);
    }

    static Step done(Decision d) {
        return new Step(java.util.Objects.requireNonNull(d, "decision"), List.of(), null);
    }

    static Step then(List<Action> prefix) {
        return prefix.isEmpty() ? NEXT : new Step(null, prefix, null);
    }

    /** Keep going with {@code prefix} first; if the leader has nothing else to say, say {@code reason, message}. */
    static Step report(List<Action> prefix, Reason reason, String message) {
        return new Step(null, prefix, Decision.of(reason, message));
    }

    boolean isTerminal() {
        return terminal != null;
    }
}
