package io.patronijvm.agent.ha;

import java.time.Duration;

/**
 * Runs a task once after a delay. A port so the lease timer can run on simulated time in the
 * simulator and on a named scheduler thread in production.
 */
public interface TimerService extends AutoCloseable {

    /** A scheduled task that can be cancelled; cancelling a task that already ran does nothing. */
    interface Handle {
        void cancel();
    }

    Handle schedule(Duration delay, Runnable task);

    @Override
    void close();
}
