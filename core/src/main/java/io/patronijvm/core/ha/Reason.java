package io.patronijvm.core.ha;

/**
 * Why a decision was taken: one value per rule outcome, so tests assert on the reason and only a
 * few golden tests on the wording. The rule numbers refer to spec section 3.
 */
public enum Reason {
    // --- steady state
    /** R19: we hold the lock, renewed it, PostgreSQL is primary. */
    LEADER_RENEWED,
    /** R20: a replica following the leader, nothing to change. */
    FOLLOWING_LEADER,
    /** R20: a replica whose primary_conninfo had to change. */
    FOLLOW_RECONFIGURED,

    // --- in-cycle attempts (re-decide)
    /** R23.11: asking peers for their status before racing. */
    PROBING_PEERS,
    /** R22: healthiest, racing for the lock. */
    RACING_FOR_LOCK,
    /** R15: racing for the initialize key. */
    RACING_FOR_INITIALIZE,
    /** R37: checking timeline divergence with the leader. */
    CHECKING_DIVERGENCE,

    // --- leader race and promotion
    /** R22: acquired the lock, promoting. */
    PROMOTED_BY_ACQUIRING_LOCK,
    /** R21: we hold the lock but PostgreSQL is still a replica: promote. */
    PROMOTING_HELD_LOCK,
    /** R22: lost the race. */
    LOCK_TAKEN_BY_OTHER,
    /** R22: the acquire got no answer. */
    ACQUIRE_FAILED,
    /** R23/R24: not the healthiest node (lag, peers ahead, priority, timeline, sync, nofailover ...). */
    NOT_HEALTHIEST,
    /** R21/R62: the holder could not arm a required watchdog: demote immediately, or release the lock. */
    WATCHDOG_ACTIVATION_FAILED,
    /** R21/R61: pre_promote failed within ttl: give up the lock / stay out of the race. */
    PRE_PROMOTE_FAILED,

    // --- losing the lock / DCS
    /** R19: renewal failed while primary: demote immediate-nolock. */
    DEMOTED_LOCK_LOST,
    /** R20: PostgreSQL is primary but somebody else (or nobody) holds the lock. */
    DEMOTED_NOT_HOLDER,
    /** R19: renewal failed and we are not primary: do not promote. */
    NOT_PROMOTING_LOCK_LOST,
    /** R19/R44: renewal failed while paused: keep running. */
    LOCK_LOST_PAUSED,
    /** R40: DCS not accessible and we were primary: demote offline. */
    DCS_UNAVAILABLE_DEMOTE,
    /** R40: DCS not accessible, nothing to do. */
    DCS_UNAVAILABLE,
    /** R40, R41: the DCS failed but every failsafe member confirmed: stay leader. */
    FAILSAFE_ACTIVE,

    // --- async slot
    /** R6: a long action is running; lease kept. */
    ASYNC_IN_PROGRESS,
    /** R6: the lock was lost while promoting: cancel the promotion. */
    ASYNC_LOST_LEADER,
    /** R6/R7/R35: primary start or crash recovery exceeded primary_start_timeout: demote immediate. */
    PRIMARY_START_TIMEOUT,
    /** R7: PostgreSQL is starting and we hold the lock: wait. */
    WAITING_FOR_START,

    // --- bootstrap
    /** R15: won the initialize race: bootstrap. */
    BOOTSTRAP_STARTED,
    /** R15: lost the initialize race. */
    BOOTSTRAP_LOST,
    /** R8: bootstrap in progress. */
    BOOTSTRAP_IN_PROGRESS,
    /** R18: no leader, nobody can clone without one. */
    WAITING_FOR_LEADER_TO_BOOTSTRAP,
    /** R17: cloning from the leader or a clonefrom member. */
    CLONING,
    /** R18: cloning with a no_leader method. */
    CLONING_WITHOUT_LEADER,
    /** R9: data directory empty while holding the lock: release it. */
    DATA_DIR_EMPTY_RELEASED_LOCK,
    /** R9/R10: the data directory is not a usable PostgreSQL directory; never touched. */
    DATA_DIR_INVALID,
    /** R10: our sysid differs from the cluster's: fatal. */
    SYSID_MISMATCH,
    /** R10 paused: sysid differs, warn (and release the lock if held). */
    SYSID_MISMATCH_PAUSED,
    /** R10: adopting an existing PostgreSQL: write initialize. */
    ADOPTED_EXISTING_DATA,
    /** R10: no initialize key and PG runs as a replica: fatal. */
    REPLICA_WITHOUT_PRIMARY,

    // --- crash recovery
    /** R33: holder restarts its crashed primary directly as primary. */
    RECOVER_START_PRIMARY,
    /** R33: primary_start_timeout is 0: fail over instead of restarting. */
    RECOVER_FAILOVER,
    /** R34: start PostgreSQL as a replica. */
    RECOVER_START_REPLICA,

    // --- manual switchover / failover
    /** R30: leader demotes gracefully for a switchover. */
    SWITCHOVER_DEMOTE,
    /** R30: scheduled switchover not due yet. */
    SWITCHOVER_SCHEDULED,
    /** R30: failover key stale, for another leader, or no healthy candidate: cleared. */
    FAILOVER_KEY_CLEARED,
    /** R19 paused: we hold the lock as the failover candidate, waiting. */
    WAITING_TO_BECOME_PRIMARY,

    // --- rewind / reinitialize
    /** R38: running pg_rewind. */
    REWINDING,
    /** R39: reinitializing due to diverged timelines. */
    REINITIALIZING_DIVERGED,
    /** R38: rewind failed and removing the data directory is allowed: reinitialize. */
    REINITIALIZING_AFTER_REWIND_FAILURE,
    /** R36/R38: divergence but no way to fix it allowed: keep following, operator must act. */
    DIVERGED_CANNOT_FIX,
    /** R66: operator asked for reinitialize. */
    REINITIALIZING_REQUESTED,
    /** R66/R46: reinitialize refused. */
    REINITIALIZE_REFUSED,

    // --- restart
    /** R64: restarting on request. */
    RESTARTING,
    /** R64: scheduled restart not due yet. */
    RESTART_SCHEDULED,
    /** R64/R46: restart refused (conditions not met, paused schedule, postmaster restarted meanwhile). */
    RESTART_REFUSED,

    // --- pause
    /** R19/R45 paused: holder is not primary: release the lock. */
    PAUSED_RELEASED_LOCK,
    /** R11 paused: PostgreSQL is not running; not starting it. */
    PAUSED_PG_STOPPED,
    /** R45 paused: replicas are never promoted automatically. */
    PAUSED_NO_RACE,
    /** R45 paused: unlocked cluster, our running primary takes the lock. */
    PAUSED_PRIMARY_ACQUIRES,
    /** R47 paused: a primary without the lock only warns. */
    PAUSED_PRIMARY_WITHOUT_LOCK,

    // --- shutdown and unsupported
    /** R63: shutting down. */
    SHUTDOWN,
    /** Decision 7: what patroni-jvm refuses to run with (quorum commit). */
    UNSUPPORTED_CONFIGURATION
}
