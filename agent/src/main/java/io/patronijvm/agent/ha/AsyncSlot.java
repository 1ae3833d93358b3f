package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.AsyncKind;
import io.patronijvm.core.ha.AsyncTask;

/**
 * The one slot long actions run in (T4, style guideline 10): bootstrap, clone, start, promote,
 * demote, restart, rewind, reinitialize. While it is busy the loop keeps renewing the lock.
 */
public interface AsyncSlot extends AutoCloseable {

    /** A long action; interrupting it must kill what it started (the PostgresControl does). */
    @FunctionalInterface
    interface Job {
        void run() throws Exception;
    }

    /** How the last job ended. */
    record Outcome(AsyncKind kind, boolean ok, String message) {
    }

    /** Starts {@code job} unless the slot is busy; false when busy. {@code done} runs after it, in the slot. */
    boolean submit(AsyncKind kind, Job job, Runnable done);

    /** The running task, or null when idle. */
    AsyncTask current();

    /** Interrupts the running task (kills its process tree); no effect when idle. */
    void cancel(String why);

    /** The outcome of the last finished job, cleared by reading it; null when none is new. */
    Outcome takeOutcome();

    @Override
    void close();
}
