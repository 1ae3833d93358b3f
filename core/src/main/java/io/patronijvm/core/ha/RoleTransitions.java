package io.patronijvm.core.ha;

import io.patronijvm.core.model.Role;

import java.util.List;
import java.util.Optional;

/**
 * The allowed changes of the role this node publishes (style guideline 11, pg_auto_failover
 * style): one row per transition with the reason it exists. The executor calls {@link #check}
 * before publishing a new role and logs the row's {@code why}; an unlisted transition is a bug.
 * Staying in the same role is always allowed and is not a transition.
 */
public final class RoleTransitions {

    /** One allowed transition. */
    public record Row(Role from, Role to, String why) {
    }

    private static final List<Row> ROWS = List.of(
            // A fresh node: bootstrap finished (R16) or an adopted running primary holds the lock after an agent restart (T5).
            new Row(Role.UNINITIALIZED, Role.PRIMARY, "bootstrapped a new cluster, or adopted a running primary holding the lock"),
            // A fresh node: clone finished (R17), or an existing replica was adopted/started (R10, R34).
            new Row(Role.UNINITIALIZED, Role.REPLICA, "cloned from a member, or started/adopted an existing replica"),
            // A fresh node holding the lock whose start failed (R34) publishes demoted before releasing the key.
            new Row(Role.UNINITIALIZED, Role.DEMOTED, "failed to start PostgreSQL while holding the lock"),
            // We hold the lock and pg_ctl promote started (R21).
            new Row(Role.REPLICA, Role.PROMOTED, "acquired the lock, promoting"),
            // Crashed primary restarted directly as primary by the holder (R33) after the role had fallen back to replica,
            // or PostgreSQL was promoted outside the agent while paused (R45).
            new Row(Role.REPLICA, Role.PRIMARY, "restarted as primary after failure holding the lock, or promoted outside the agent in pause"),
            // The holder's replica failed to start (R34).
            new Row(Role.REPLICA, Role.DEMOTED, "failed to start PostgreSQL while holding the lock"),
            // The data directory was wiped (R38, R39, R66) or found empty (R9).
            new Row(Role.REPLICA, Role.UNINITIALIZED, "data directory emptied (reinitialize) or found empty"),
            // Promotion finished (R21).
            new Row(Role.PROMOTED, Role.PRIMARY, "promotion finished, PostgreSQL is writable"),
            // The lock was lost while promote ran (R6): cancel and demote.
            new Row(Role.PROMOTED, Role.DEMOTED, "lost the lock during promotion"),
            // Any demote mode (3.7): lock lost, DCS down, switchover, start timeout.
            new Row(Role.PRIMARY, Role.DEMOTED, "demoted (lock lost, DCS unavailable, switchover or start timeout)"),
            // R9: the data directory of a primary disappeared; the lock is released.
            new Row(Role.PRIMARY, Role.UNINITIALIZED, "data directory found empty"),
            // After a demote PostgreSQL starts as a replica (3.7) or after a rewind (R38).
            new Row(Role.DEMOTED, Role.REPLICA, "started as a replica after demote or rewind"),
            // After a demote the data directory is wiped for a re-clone (R38 failure with removal allowed, R39).
            new Row(Role.DEMOTED, Role.UNINITIALIZED, "data directory wiped to re-clone after divergence"),
            // A demoted node that still holds the lock restarts its primary (R33, timeline still ours).
            new Row(Role.DEMOTED, Role.PRIMARY, "restarted as primary while holding the lock"),
            // R59: the holder of a standby cluster's lock follows the remote primary instead of promoting.
            new Row(Role.REPLICA, Role.STANDBY_LEADER, "holds the lock of a standby cluster: follows the remote primary"),
            new Row(Role.UNINITIALIZED, Role.STANDBY_LEADER, "bootstrapped a standby cluster from the remote primary"),
            new Row(Role.DEMOTED, Role.STANDBY_LEADER, "a demoted primary of a cluster turned standby follows the remote"),
            // R59: the standby leader lost the lock and follows the new holder.
            new Row(Role.STANDBY_LEADER, Role.REPLICA, "lost the lock of the standby cluster"),
            // R59: standby_cluster was removed from the configuration: the standby leader promotes.
            new Row(Role.STANDBY_LEADER, Role.PROMOTED, "standby_cluster removed: promoting the standby leader"),
            new Row(Role.STANDBY_LEADER, Role.DEMOTED, "failed to start PostgreSQL while holding the lock"),
            new Row(Role.STANDBY_LEADER, Role.UNINITIALIZED, "data directory emptied or found empty"));

    private RoleTransitions() {
    }

    /** The row allowing {@code from -> to}, empty when not allowed. Same role: empty too (no transition). */
    public static Optional<Row> find(Role from, Role to) {
        return ROWS.stream().filter(r -> r.from() == from && r.to() == to).findFirst();
    }

    public static boolean allowed(Role from, Role to) {
        return from == to || find(from, to).isPresent();
    }

    /**
     * Returns the row for {@code from -> to}, or null when the role does not change.
     *
     * @throws IllegalStateException naming both roles when the transition is not in the table
     */
    public static Row check(Role from, Role to) {
        if (from == to) {
            return null;
        }
        return find(from, to).orElseThrow(() -> new IllegalStateException(
                "role transition " + from.wire() + " -> " + to.wire() + " is not in RoleTransitions"));
    }

    public static List<Row> rows() {
        return ROWS;
    }
}
