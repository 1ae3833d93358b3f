package io.patronijvm.core.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.pg.LocalPgState;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one HA decision needs, observed once per cycle (style guideline 3). No I/O hides
 * behind any of it; the decider reads these values and nothing else.
 *
 * @param self          this member's name
 * @param selfTags      this member's effective tags
 * @param view          the cluster read in this cycle, or null when the read failed (DCS unavailable, R40)
 * @param pg            this cycle's observation of the local PostgreSQL
 * @param config        the dynamic configuration in force (from the view, or the last known one)
 * @param local         the local settings the decision needs
 * @param nowNanos      monotonic now (all timeouts are computed from it)
 * @param wallNow       wall-clock now; used only to compare with a scheduled switchover's time
 * @param lock          our lease in this cycle, see {@link LockState} for the loop's contract
 * @param peers         statuses of peers the loop probed on request ({@link Action.ProbePeers}); empty otherwise
 * @param lastAttempt   outcome of the previous action in this same cycle (decide, act, decide)
 * @param memory        state the loop carries between cycles
 * @param asyncTask     the long action running in the async slot, or null when idle (T4)
 * @param restartIntent a pending restart request, or null
 * @param reinitIntent  a pending reinitialize request, or null
 * @param shuttingDown  the agent received SIGTERM (R63)
 * @param failsafeSlots with failsafe mode on and without the lock: the logical slot positions the primary sent
 *                      with its last {@code POST /failsafe} while that is fresh (R42), else null. They replace the
 *                      {@code status} key's, as Patroni's {@code Failsafe.update_cluster} does, and are the only
 *                      positions a replica has while the DCS does not answer.
 */
public record HaInput(
        String self,
        Tags selfTags,
        ClusterView view,
        LocalPgState pg,
        DynamicConfig config,
        LocalSettings local,
        long nowNanos,
        Instant wallNow,
        LockState lock,
        Map<String, PeerStatus> peers,
        AttemptResult lastAttempt,
        Memory memory,
        AsyncTask asyncTask,
        RestartIntent restartIntent,
        ReinitIntent reinitIntent,
        boolean shuttingDown,
        Map<String, Long> failsafeSlots) {

    /** An input without failsafe slot positions. */
    public HaInput(String self, Tags selfTags, ClusterView view, LocalPgState pg, DynamicConfig config,
                   LocalSettings local, long nowNanos, Instant wallNow, LockState lock, Map<String, PeerStatus> peers,
                   AttemptResult lastAttempt, Memory memory, AsyncTask asyncTask, RestartIntent restartIntent,
                   ReinitIntent reinitIntent, boolean shuttingDown) {
        this(self, selfTags, view, pg, config, local, nowNanos, wallNow, lock, peers, lastAttempt, memory, asyncTask,
                restartIntent, reinitIntent, shuttingDown, null);
    }

    public HaInput {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(pg, "pg");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(wallNow, "wallNow");
        selfTags = selfTags == null ? Tags.NONE : selfTags;
        local = local == null ? LocalSettings.DEFAULTS : local;
        lock = lock == null ? LockState.NOT_HOLDER : lock;
        peers = peers == null ? Map.of() : Map.copyOf(peers);
        lastAttempt = lastAttempt == null ? AttemptResult.NONE : lastAttempt;
        memory = memory == null ? Memory.INITIAL : memory;
        failsafeSlots = failsafeSlots == null ? null : Map.copyOf(failsafeSlots);
    }

    /** Maintenance mode (R44): the dynamic config in force says pause. */
    public boolean paused() {
        return config.pause() || (view != null && view.isPaused());
    }

    /** The view names us as the leader. */
    public boolean viewSaysLeader() {
        return view != null && view.isLeader(self);
    }

    /** We may act as lock holder now: the view names us and the renewal succeeded (or we just acquired). */
    public boolean holdsLock() {
        return (viewSaysLeader() && lock.renewed()) || lastAttempt == AttemptResult.ACQUIRED;
    }

    /** Copy with the outcome of an action and (possibly) fresh peer statuses, for the next decide call. */
    public HaInput after(AttemptResult result, Map<String, PeerStatus> newPeers, Memory newMemory) {
        return new HaInput(self, selfTags, view, pg, config, local, nowNanos, wallNow, lock,
                newPeers == null ? peers : newPeers, result, newMemory == null ? memory : newMemory, asyncTask,
                restartIntent, reinitIntent, shuttingDown, failsafeSlots);
    }
}
