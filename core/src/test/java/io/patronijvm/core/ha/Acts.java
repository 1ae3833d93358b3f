package io.patronijvm.core.ha;

import java.util.List;

/** Test helper: the simple class names of a decision's actions, for short assertions. */
final class Acts {
    private Acts() {
    }

    static List<String> of(Decision d) {
        return d.actions().stream().map(a -> a.getClass().getSimpleName()).toList();
    }
}
