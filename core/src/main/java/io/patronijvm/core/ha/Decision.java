package io.patronijvm.core.ha;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one {@link HaDecider#decide} call: actions to run in order (empty = nothing to
 * do), the rule outcome tests assert on, and Patroni's one-line sentence for the log and
 * {@code GET /patroni} (style guideline 2), with {@code PAUSE: } in maintenance mode.
 */
public record Decision(List<Action> actions, Reason reason, String message) {

    public Decision {
        actions = List.copyOf(actions);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        for (int i = 0; i < actions.size() - 1; i++) {
            if (actions.get(i).redecides()) {
                throw new IllegalArgumentException("a re-deciding action must be last: " + actions);
            }
        }
    }

    public static Decision of(Reason reason, String message, Action... actions) {
        return new Decision(List.of(actions), reason, message);
    }

    /** The loop must perform the last action and call the decider again. */
    public boolean redecides() {
        return !actions.isEmpty() && actions.get(actions.size() - 1).redecides();
    }

    /** The same decision with {@code first} actions run before this one's. */
    public Decision prepend(List<Action> first) {
        if (first.isEmpty()) {
            return this;
        }
        List<Action> all = new ArrayList<>(first);
        all.addAll(actions);
        return new Decision(all, reason, message);
    }

    /** The same decision with {@code last} appended, unless it re-decides (then nothing may follow). */
    public Decision append(List<Action> last) {
        if (last.isEmpty() || redecides()) {
            return this;
        }
        List<Action> all = new ArrayList<>(actions);
        all.addAll(last);
        return new Decision(all, reason, message);
    }

    Decision withMessage(String m) {
        return new Decision(actions, reason, m);
    }

    /** The first action of the given type, for tests and the executor. */
    public <A extends Action> java.util.Optional<A> find(Class<A> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
