package io.patronijvm.core.ha;

import java.util.List;

/**
 * The result of one stage of the cycle: either the cycle's final decision ({@code terminal}), or
 * actions to run before whatever later stages decide ({@code prefix}).
 */
record Step(Decision terminal, List<Action> prefix) {

    static final Step CONTINUE = new Step(null, List.of());

    Step {
        prefix = List.copyOf(prefix);
    }

    static Step done(Decision d) {
        return new Step(d, List.of());
    }

    static Step then(List<Action> prefix) {
        return new Step(null, prefix);
    }

    boolean isTerminal() {
        return terminal != null;
    }
}
