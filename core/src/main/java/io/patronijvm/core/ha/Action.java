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
 * <p>Three kinds:
 * <ul>
 *   <li>quick: DCS writes and reloads, done inline;</li>
 *   <li>{@link #isLong() long}: run in the one async slot (T4); the cycle ends after starting it;</li>
 *   <li>{@link #redecides() re-deciding}: the loop performs it and calls the decider again in the
 *       same cycle with the outcome in {@link HaInput#lastAttempt()} (and {@link HaInput#peers()}).
 *       Such an action is always the last one in its decision.</li>
 * </ul>
 * Callbacks (R60): the executor fires {@code on_role_change} after {@link Promote} and
 * {@link Demote}, {@code on_restart} after {@link Restart}; the decider asks only for
 * {@code on_start} ({@link RunCallback}).
 */
public sealed interface Action {

    /** Runs in the async slot. */
    default boolean isLong() {
        return false;
    }

    /** The loop must call the decider again in this cycle with the outcome. */
    default boolean redecides() {
        return false;
    }

    /** GET /patroni on these members in parallel (R23.11, 2 s timeout, no retry); then decide again. */
    record ProbePeers(List<Member> members) implements Action {
        public ProbePeers {
            members = List.copyOf(members);
        }

        @Override
        public boolean redecides() {
            return true;
        }
    }

    /** Create {@code initialize} with CAS 0 (R15); then decide again with INITIALIZE_WON/LOST. */
    record RaceInitialize() implements Action {
        @Override
        public boolean redecides() {
            return true;
        }
    }

    /**
     * Long (R15, R16): initdb (or bootstrap.method), start, post_bootstrap, write {@code initialize=<sysid>}
     * and {@code config}, take the leader key, fire nothing. On failure: cancel_initialization (delete
     * {@code initialize}, stop PG, move the data directory aside) and exit.
     */
    record Bootstrap() implements Action {
        @Override
        public boolean isLong() {
            return true;
        }
    }

    /** Write {@code initialize=<sysid>} (R4, R10). */
    record WriteInitialize(String sysid) implements Action {
        public WriteInitialize {
            Objects.requireNonNull(sysid, "sysid");
        }
    }

    /** Write the dynamic configuration to {@code config} (R5), create-only. */
    record WriteConfig(Map<String, Object> config) implements Action {
        public WriteConfig {
            config = Map.copyOf(config);
        }
    }

    /** Long (R17, R18): clone from {@code source} (null: a no_leader method), then start as a replica. */
    record Clone(Member source) implements Action {
        @Override
        public boolean isLong() {
            return true;
        }
    }

    /**
     * Long (R33, R34): start PostgreSQL. {@code asReplica=false} starts directly as primary
     * ("starting primary after failure"); otherwise as a replica of {@code upstream}
     * ({@link Upstream#NOBODY} for none). A failure to start while holding the lock removes the key (R34).
     */
    record StartPostgres(Upstream upstream, boolean asReplica) implements Action {
        public StartPostgres {
            upstream = upstream == null ? Upstream.NOBODY : upstream;
        }

        @Override
        public boolean isLong() {
            return true;
        }
    }

    /** Stop PostgreSQL now (R9: immediate, role uninitialized). */
    record StopPostgres(StopMode mode) implements Action {
    }

    /** Atomic acquire of the leader key (R22); then decide again with ACQUIRED / LOCK_TAKEN_BY_OTHER / ACQUIRE_FAILED. */
    record AcquireLock() implements Action {
        @Override
        public boolean redecides() {
            return true;
        }
    }

    /**
     * Long (R21, R52, R61): in sync mode write {@code /sync} with leader=me first (postpone on
     * failure), run pre_promote (non-zero: release the lock, remember the failure time), then
     * {@code pg_ctl promote}, role {@code promoted} then {@code master}, on_role_change, CHECKPOINT.
     */
    record Promote() implements Action {
        @Override
        public boolean isLong() {
            return true;
        }
    }

    /** Long (3.7): demote with {@code mode}; afterwards start as a replica of {@code followAfter} unless a rewind is needed. */
    record Demote(DemoteMode mode, Upstream followAfter) implements Action {
        public Demote {
            Objects.requireNonNull(mode, "mode");
            followAfter = followAfter == null ? Upstream.NOBODY : followAfter;
        }

        @Override
        public boolean isLong() {
            return true;
        }
    }

    /** Point a running replica at {@code upstream} (R20); the executor restarts (async) if a reload is not enough. */
    record Follow(Upstream upstream) implements Action {
        public Follow {
            upstream = upstream == null ? Upstream.NOBODY : upstream;
        }
    }

    /** Delete the leader key if it is still ours (CAS on the observed version). */
    record ReleaseLock() implements Action {
    }

    /** Write {@code {}} to {@code failover} (CAS on {@code version}). */
    record ClearFailover(long version) implements Action {
    }

    /** Run the divergence check against {@code leader} (R37); then decide again with the verdict in Memory.rewind. */
    record CheckRewind(Member leader) implements Action {
        public CheckRewind {
            Objects.requireNonNull(leader, "leader");
        }

        @Override
        public boolean redecides() {
            return true;
        }
    }

    /** Long (R38): stop, pg_rewind from {@code leader}, start as its replica; sets Memory.rewind SUCCESS/FAILED. */
    record Rewind(Member leader) implements Action {
        public Rewind {
            Objects.requireNonNull(leader, "leader");
        }

        @Override
        public boolean isLong() {
            return true;
        }
    }

    /**
     * Long (R38, R39, R66): stop immediate, WIPE the data directory, clone from {@code source}, start as
     * replica. Only decided when configuration allows it or an operator asked (reinitialize).
     */
    record Reinitialize(Member source, String why) implements Action {
        public Reinitialize {
            Objects.requireNonNull(source, "source");
        }

        @Override
        public boolean isLong() {
            return true;
        }
    }

    /**
     * Long (R64): fast stop, start with the same role (as primary when we hold the lock, else as a replica of
     * the current upstream; a stopped server is just started), on_restart; completes the pending restart intent.
     */
    record Restart() implements Action {
        @Override
        public boolean isLong() {
            return true;
        }
    }

    /** Cancel the running async task (R6 lost leader before promote, R66 force). */
    record CancelAsync(String why) implements Action {
    }

    /** Ensure these physical slots exist and drop our other unwanted ones (R55 to R57); primary only. */
    record SyncSlots(Set<String> wanted) implements Action {
        public SyncSlots {
            wanted = Set.copyOf(wanted);
        }
    }

    /** Set {@code synchronous_standby_names} (empty clears it) and reload (R48 to R50). */
    record SetSyncStandbyNames(String value) implements Action {
        public SetSyncStandbyNames {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Write {@code /sync} with CAS on {@code expectedVersion} (0 = create) (R49, R52). */
    record WriteSync(SyncState state, long expectedVersion) implements Action {
        public WriteSync {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * R41: {@code POST /failsafe} to every other member of the last known {@code /failsafe} map, in
     * parallel (2 s timeout, 1 retry); then decide again with FAILSAFE_OK (all answered 200) or
     * FAILSAFE_FAILED. The loop knows the map (the DCS may be down now), so the action carries none.
     */
    record CheckFailsafe() implements Action {
        @Override
        public boolean redecides() {
            return true;
        }
    }

    /** R43: rewrite {@code /failsafe} with every member's api_url, ourselves included. */
    record WriteFailsafe(Map<String, String> members) implements Action {
        public WriteFailsafe {
            members = Map.copyOf(members);
        }
    }

    /** Delete {@code /sync} (R48). */
    record DeleteSync(long expectedVersion) implements Action {
    }

    /** Append our promotion to {@code history} (R21: the leader's timeline is ahead of the key). */
    record UpdateHistory() implements Action {
    }

    /** Publish a new role (member key, REST) after {@link RoleTransitions#check}. */
    record SetRole(Role role) implements Action {
        public SetRole {
            Objects.requireNonNull(role, "role");
        }
    }

    /** Fire a callback script (R60), asynchronously. */
    record RunCallback(CallbackEvent event, Role role) implements Action {
    }

    /**
     * Shutdown (R63): unless {@code stopPostgres} is false (paused: PostgreSQL and the lock stay), fast stop
     * (in sync mode leave {@code /sync} first); {@code asLeader}: delete the leader key once a replica has the
     * shutdown checkpoint (or after the stop), writing status.optime; then refresh the member key and end the loop.
     * If the stop fails the lock stays.
     */
    record ShutdownStop(boolean stopPostgres, boolean asLeader) implements Action {
    }

    /** Answer a pending operator request with a refusal (R46, R66). */
    record RefuseIntent(IntentKind kind, String why) implements Action {
    }

    /** Fatal: stop the agent (PostgreSQL keeps running, decision 6) with this reason (R10, unsupported config). */
    record Exit(String fatalReason) implements Action {
    }

    /** Which operator request a {@link RefuseIntent} answers. */
    enum IntentKind { RESTART, REINITIALIZE }
}
