package io.patronijvm.core.status;

import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;
import java.util.List;

/**
 * What the REST API and CLI may ask of the agent. Every method only records intent and wakes
 * the loop (style guideline 12); the blocking ones wait for the loop's answer up to
 * {@code timeout} and never touch PostgreSQL themselves.
 */
public interface NodeControl {

    /** The last published snapshot (never null once the agent has started). */
    StatusSnapshot status();

    /**
     * The loop's snapshot as published, without the live PostgreSQL observation {@link #status()}
     * may add on a replica. For answers that cannot depend on it: a primary check is decided by
     * the lease and the role, which an observation never changes (HAProxy's write-backend check
     * hits every replica every second, and each observation is a round trip to PostgreSQL).
     */
    default StatusSnapshot publishedStatus() {
        return status();
    }

    /**
     * For HEAD/OPTIONS health checks other than the primary's: {@link #status()}, except that a
     * running replica's observation may be renewed by one light query (its positions) instead of
     * a full observation; a dead, restarted or promoted server still shows at once.
     */
    default StatusSnapshot healthStatus() {
        return status();
    }

    MonotonicClock clock();

    /**
     * This node's recent HA events, oldest first, from a bounded in-memory log (status page,
     * {@code GET /events}). The default has none (a node without a loop).
     */
    default List<HaEvent> recentEvents() {
        return List.of();
    }

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

    /**
     * R42: the primary {@code leaderName} announced failsafe ({@code POST /failsafe}); a replica
     * caches it as the leader for ttl seconds. REFUSED ({@code Running as a leader}) when this node is
     * itself a running primary. The default accepts without caching (an agent without failsafe).
     */
    default IntentResult acceptFailsafe(String leaderName, String connUrl, String apiUrl) {
        return IntentResult.done("Accepted");
    }

    /**
     * As {@link #acceptFailsafe(String, String, String)}, with the primary's permanent logical slot
     * positions ({@code slots} of the request, name to LSN), which a replica advances its own to (R57).
     */
    default IntentResult acceptFailsafe(String leaderName, String connUrl, String apiUrl,
                                        java.util.Map<String, Long> slots) {
        return acceptFailsafe(leaderName, connUrl, apiUrl);
    }
}
