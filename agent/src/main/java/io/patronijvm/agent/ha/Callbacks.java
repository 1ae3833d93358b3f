package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.model.Role;

import java.time.Duration;

/** The user's callback scripts (R60) and the synchronous pre_promote hook (R61). */
public interface Callbacks extends AutoCloseable {

    /** Runs {@code <cmd> <action> <role> <scope>} asynchronously; a new callback kills the running one. */
    void fire(CallbackEvent event, Role role);

    /** Runs pre_promote and waits up to {@code timeout}; true when it is absent or exited 0. */
    boolean prePromote(Duration timeout) throws InterruptedException;

    @Override
    void close();

    Callbacks NONE = new Callbacks() {
        @Override
        public void fire(CallbackEvent event, Role role) {
        }

        @Override
        public boolean prePromote(Duration timeout) {
            return true;
        }

        @Override
        public void close() {
        }
    };
}
