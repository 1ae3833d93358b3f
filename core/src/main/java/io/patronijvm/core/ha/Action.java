package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.pg.Upstream;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One thing the executor does. A closed set: the executor switches over it exhaustively.
 * A {@link Decision} carries them in order; the executor runs them in that order and stops at
 * the first failure of a DCS write.
 *
 * <p>Three kinds, each a sealed sub-interface, so the executor's switch over a kind is exhaustive
 * without branches that can only throw:
 * <ul>
 *   <li>{@link Quick}: DCS writes and reloads, done inline;</li>
 *   <li>{@link LongRunning}: run in the one async slot (T4); the cycle ends after starting it;</li>
 *   <li>{@link Attempt}: the loop performs it and calls the decider again in the same cycle with
 *       the outcome in {@link HaInput#lastAttempt()} (and {@link HaInput#peers()}). Such an action
 *       is always the last one in its decision.</li>
 * </ul>
 * Callbacks (R60): the executor fires {@code on_role_change} after {@link Promote} and
 * {@link Demote}, {@code on_restart} after {@link Restart}; the decider asks only for
 * {@code on_start} ({@link RunCallback}).
 */
public sealed interface Action {

    /** Done inline by the executor; a failed DCS write ends the list. */
    sealed interface Quick extends Action {
    }

    /** Runs in the one async slot (T4); the cycle ends after starting it. */
    sealed interface LongRunning extends Action {
        /** What the slot reports while this runs ({@link HaInput#asyncTask()}). */
        AsyncKind kind();
    }

    /**
     * Performed by the loop, which then calls the decider again in the same cycle with the
     * outcome ({@link HaInput#lastAttempt()}); always the last action of its decision.
     */
    sealed interface Attempt extends Action {
    }

    /** Runs in the async slot. */
    default boolean isLong() {
        return this instanceof LongRunning;
    }

    /** The loop must call the decider again in this cycle with the outcome. */
    default boolean redecides() {
        return this instanceof Attempt;
    }

    /** GET /patroni on these members in parallel (R23.11, 2 s timeout, no retry); then decide again. */
    record ProbePeers(List<Member> members) implements Attempt {
        public ProbePeers {
            members = List.copyOf(members);
        }
    }

    /** Create {@code initialize} with CAS 0 (R15); then decide again with INITIALIZE_WON/LOST. */
    record RaceInitialize() implements Attempt {
    }

    /**
     * Long (R15, R16): initdb (or bootstrap.method), start, post_bootstrap, write {@code initialize=<sysid>}
     * and {@code config}, take the leader key, fire nothing. On failure: cancel_initialization (delete
     * {@code initialize}, stop PG, move the data directory aside) and exit.
     */
    record Bootstrap() implements LongRunning {
        @Override
        public AsyncKind kind() {
            return AsyncKind.BOOTSTRAP;
        }
    }

    /** Write {@code initialize=<sysid>} (R4, R10). */
    record WriteInitialize(String sysid) implements Quick {
        public WriteInitialize {
            Objects.requireNonNull(sysid, "sysid");
        }
    }

    /** Write the dynamic configuration to {@code config} (R5), create-only. */
    record WriteConfig(Map<String, Object> config) implements Quick {
        public WriteConfig {
            config = Map.copyOf(config);
        }
    }

    /** Long (R17, R18): clone from {@code source} (null: a no_leader method), then start as a replica. */
    record Clone(Member source) implements LongRunning {
        @Override
        public AsyncKind kind() {
            return AsyncKind.CLONE;
        }
    }

    /**
     * Long (R33, R34): start PostgreSQL. {@code asReplica=false} starts directly as primary
     * ("starting primary after failure"); otherwise as a replica of {@code upstream}
     * ({@link Upstream#NOBODY} for none). A failure to start while holding the lock removes the key (R34).
     */
    record StartPostgres(Upstream upstream, boolean asReplica) implements LongRunning {
        public StartPostgres {
            upstream = upstream == null ? Upstream.NOBODY : upstream;
        }

        @Override
        public AsyncKind kind() {
            return AsyncKind.START;
        }
    }

    /** Stop PostgreSQL now (R9: immediate, role uninitialized). */
    record StopPostgres(StopMode mode) implements Quick {
    }

    /** Atomic acquire of the leader key (R22); then decide again with ACQUIRED / LOCK_TAKEN_BY_OTHER / ACQUIRE_FAILED. */
    record AcquireLock() implements Attempt {
    }

    /**
     * Long (R21, R52, R61): in sync mode write {@code /sync} with leader=me first (postpone on
     * failure), run pre_promote (non-zero: release the lock, remember the failure time), then
     * {@code pg_ctl promote}, role {@code promoted} then {@code master}, on_role_change, CHECKPOINT.
     * The new timeline is above {@code usedTimeline}, the highest the cluster is known to have used
     * (docs/rules.md, "Timelines": a promotion never reuses a timeline number).
     */
    record Promote(int usedTimeline) implements LongRunning {
        @Override
        public AsyncKind kind() {
            return AsyncKind.PROMOTE;
        }
    }

    /** Long (3.7): demote with {@code mode}; afterwards start as a replica of {@code followAfter} unless a rewind is needed. */
    record Demote(DemoteMode mode, Upstream followAfter) implements LongRunning {
        public Demote {
            Objects.requireNonNull(mode, "mode");
            followAfter = followAfter == null ? Upstream.NOBODY : followAfter;
        }

        @Override
        public AsyncKind kind() {
            return AsyncKind.DEMOTE;
        }
    }

    /** Point a running replica at {@code upstream} (R20); the executor restarts (async) if a reload is not enough. */
    record Follow(Upstream upstream) implements Quick {
        public Follow {
            upstream = upstream == null ? Upstream.NOBODY : upstream;
        }
    }

    /** Delete the leader key if it is still ours (CAS on the observed version). */
    record ReleaseLock() implements Quick {
    }

    /** Write {@code {}} to {@code failover} (CAS on {@code version}). */
    record ClearFailover(long version) implements Quick {
    }

    /** Run the divergence check against {@code leader} (R37); then decide again with the verdict in Memory.rewind. */
    record CheckRewind(Member leader) implements Attempt {
        public CheckRewind {
            Objects.requireNonNull(leader, "leader");
        }
    }

    /** Long (R38): stop, pg_rewind from {@code leader}, start as its replica; sets Memory.rewind SUCCESS/FAILED. */
    record Rewind(Member leader) implements LongRunning {
        public Rewind {
            Objects.requireNonNull(leader, "leader");
        }

        @Override
        public AsyncKind kind() {
            return AsyncKind.REWIND;
        }
    }

    /**
     * Long (R38, R39, R66): stop immediate, WIPE the data directory, clone from {@code source}, start as
     * replica. Only decided when configuration allows it or an operator asked (reinitialize).
     */
    record Reinitialize(Member source, String why) implements LongRunning {
        public Reinitialize {
            Objects.requireNonNull(source, "source");
        }

        @Override
        public AsyncKind kind() {
            return AsyncKind.REINITIALIZE;
        }
    }

    /**
     * Long (R64): fast stop, start with the same role (as primary when we hold the lock, else as a replica of
     * the current upstream; a stopped server is just started), on_restart; completes the pending restart intent.
     */
    record Restart() implements LongRunning {
        @Override
        public AsyncKind kind() {
            return AsyncKind.RESTART;
        }
    }

    /** Cancel the running async task (R6 lost leader before promote, R66 force). */
    record CancelAsync(String why) implements Quick {
    }

    /** Ensure these physical slots exist and drop our other unwanted ones (R55 to R57); primary only. */
    record SyncSlots(Set<String> wanted) implements Quick {
        public SyncSlots {
            wanted = Set.copyOf(wanted);
        }
    }

    /**
     * R57 on a replica: move these permanent logical slots forward to the leader's published
     * {@code confirmed_flush_lsn} ({@code pg_replication_slot_advance}); runs in the background,
     * a slot still busy from the last request gets the newer target.
     */
    record AdvanceSlots(Map<String, Long> positions) implements Quick {
        public AdvanceSlots {
            positions = Map.copyOf(positions);
        }
    }

    /**
     * Long (R57): copy these permanent logical slots' state files from the leader
     * ({@code pg_read_binary_file}) into {@code pg_replslot}, restarting PostgreSQL to load them.
     */
    record CopyLogicalSlots(java.util.List<String> names) implements LongRunning {
        public CopyLogicalSlots {
            names = java.util.List.copyOf(names);
        }

        @Override
        public AsyncKind kind() {
            return AsyncKind.COPY_SLOTS;
        }
    }

    /** Set {@code synchronous_standby_names} (empty clears it) and reload (R48 to R50). */
    record SetSyncStandbyNames(String value) implements Quick {
        public SetSyncStandbyNames {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Write {@code /sync} with CAS on {@code expectedVersion} (0 = create) (R49, R52). */
    record WriteSync(SyncState state, long expectedVersion) implements Quick {
        public WriteSync {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * R41: {@code POST /failsafe} to every other member of the last known {@code /failsafe} map, in
     * parallel (2 s timeout, 1 retry); then decide again with FAILSAFE_OK (all answered 200) or
     * FAILSAFE_FAILED. The loop knows the map (the DCS may be down now), so the action carries none.
     */
    record CheckFailsafe() implements Attempt {
    }

    /** R43: rewrite {@code /failsafe} with every member's api_url, ourselves included. */
    record WriteFailsafe(Map<String, String> members) implements Quick {
        public WriteFailsafe {
            members = Map.copyOf(members);
        }
    }

    /** Delete {@code /sync} (R48). */
    record DeleteSync(long expectedVersion) implements Quick {
    }

    /** Append our promotion to {@code history} (R21: the leader's timeline is ahead of the key). */
    record UpdateHistory() implements Quick {
    }

    /** Publish a new role (member key, REST) after {@link RoleTransitions#check}. */
    record SetRole(Role role) implements Quick {
        public SetRole {
            Objects.requireNonNull(role, "role");
        }
    }

    /** Fire a callback script (R60), asynchronously. */
    record RunCallback(CallbackEvent event, Role role) implements Quick {
    }

    /**
     * Shutdown (R63): unless {@code stopPostgres} is false (paused: PostgreSQL and the lock stay), fast stop
     * (in sync mode leave {@code /sync} first); {@code asLeader}: delete the leader key once a replica has the
     * shutdown checkpoint (or after the stop), writing status.optime; then refresh the member key and end the loop.
     * If the stop fails the lock stays.
     */
    record ShutdownStop(boolean stopPostgres, boolean asLeader) implements Quick {
    }

    /** Answer a pending operator request with a refusal (R46, R66). */
    record RefuseIntent(IntentKind kind, String why) implements Quick {
    }

    /** Fatal: stop the agent (PostgreSQL keeps running, decision 6) with this reason (R10, unsupported config). */
    record Exit(String fatalReason) implements Quick {
    }

    /** Which operator request a {@link RefuseIntent} answers. */
    enum IntentKind { RESTART, REINITIALIZE }
}
