package io.patronijvm.core.status;

import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;

/**
 * What the REST API and CLI may ask of the agent. Every method only records intent and wakes
 * the loop (style guideline 12); the blocking ones wait for the loop's answer up to
 * {@code timeout} and never touch PostgreSQL themselves.
 */
public interface NodeControl {

    /** The last published snapshot (never null once the agent has started). */
    StatusSnapshot status();

    MonotonicClock clock();

    /** Coalescing wake-up of the HA loop. */
    void wakeUp();

    /** Restart now (waits) or schedule (returns SCHEDULED). */
    IntentResult restart(RestartRequest request, Duration timeout) throws InterruptedException;

    /** Drops a scheduled restart; DONE, or REFUSED when none was scheduled. */
    IntentResult cancelScheduledRestart();

    /** Re-reads the local configuration (same as SIGHUP). */
    IntentResult reloadConfig();

    /** Rebuilds this replica from the leader or a clonefrom member. */
    IntentResult reinitialize(boolean force, boolean fromLeader, Duration timeout) throws InterruptedException;
}
