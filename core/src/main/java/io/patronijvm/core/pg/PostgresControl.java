package io.patronijvm.core.pg;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.Member;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The local PostgreSQL as the HA engine drives it. Implementations run PostgreSQL's own
 * binaries and talk SQL over JDBC; tests use a model.
 *
 * <p>Time budgets: {@link #observe()} is cheap and bounded (a few seconds at most, connect and
 * statement timeouts set); the long operations (bootstrap, clone, rewind, start, stop) take a
 * timeout or run until done and are interruptible: interrupting the calling thread kills the
 * child process tree and throws {@link InterruptedException}. No method deletes a data directory
 * except {@link #removeDataDirectory}, which callers invoke only when configuration allows it.
 */
public interface PostgresControl extends AutoCloseable {

    /** Takes one observation; never throws for a stopped or broken server, it reports it. */
    LocalPgState observe();

    /**
     * A health check's observation of a server that {@code last} saw as a running replica: one
     * light query renews its replication progress (Patroni runs one query per check), the rest
     * is {@code last}'s. Whenever the server is not that running replica any more (stopped,
     * restarted, promoted, not answering), this is a full {@link #observe()}, so a check never
     * sees a dead or promoted server as a healthy replica longer than with a full observation.
     */
    default LocalPgState observeReplicaProgress(LocalPgState last) {
        return observe();
    }

    /** Applies a new dynamic configuration: rewrite config files, reload if running. */
    void applyDynamicConfig(DynamicConfig config) throws PgException;

    /**
     * R65: applies a reloaded local {@code postgresql} section (parameters, pg_hba, pg_ident,
     * recovery settings, credentials): rewrite config files, reload if running. Settings that
     * name files or binaries (data_dir, config_dir, bin_dir) keep their running values; the
     * default keeps everything (an implementation without live reload).
     */
    default void applyLocalConfig(io.patronijvm.core.config.PostgresqlConfig local) throws PgException {
    }

    /**
     * Creates a new cluster: initdb with the bootstrap options, writes config files, appends
     * {@code bootstrap.pg_hba}, starts as primary and waits until it accepts connections.
     */
    void bootstrap(Duration timeout) throws PgException, InterruptedException;

    /** After {@link #bootstrap}: creates users (superuser, replication, rewind, bootstrap.users), runs post_bootstrap. */
    void postBootstrap() throws PgException, InterruptedException;

    /**
     * Undoes a failed bootstrap: stops PostgreSQL and moves the data directory aside
     * (renamed with a timestamp suffix), never deleting it. Returns the new path.
     */
    String cancelBootstrap() throws InterruptedException;

    /** Clones from {@code source} (pg_basebackup or a configured method), 2 attempts. Leaves PostgreSQL stopped. */
    void cloneFrom(Member source) throws PgException, InterruptedException;

    /**
     * As {@link #cloneFrom(Member)} with these create_replica_methods instead of the local ones
     * (a standby cluster's {@code standby_cluster.create_replica_methods}, R59); empty: the local ones.
     */
    default void cloneFrom(Member source, java.util.List<String> methods) throws PgException, InterruptedException {
        cloneFrom(source);
    }

    /** Starts as primary (upstream null) or as a replica of {@code upstream}; waits up to timeout. */
    void start(Upstream upstream, boolean asReplica, Duration timeout) throws PgException, InterruptedException;

    /** Stops with escalation to immediate and then SIGKILL on timeout. True when stopped. */
    boolean stop(StopMode mode, Duration timeout) throws InterruptedException;

    /** Stop then start with the same role. */
    void restart(Duration timeout) throws PgException, InterruptedException;

    /** Rewrites config files and sends SIGHUP (pg_ctl reload). */
    void reload() throws PgException;

    /** {@code pg_ctl promote} and waits until writable. */
    void promote(Duration timeout) throws PgException, InterruptedException;

    /**
     * {@link #promote(Duration)} onto a timeline number above {@code usedTimeline}, the highest the
     * cluster is known to have used (docs/rules.md, "Timelines"). PostgreSQL itself only knows the
     * timelines whose history files it has; two nodes promoting from the same point would both
     * pick the next number. The default ignores the bound (for implementations without timelines).
     */
    default void promote(Duration timeout, int usedTimeline) throws PgException, InterruptedException {
        promote(timeout);
    }

    /**
     * Points a running replica at {@code upstream} (or nobody). Returns true when a reload was
     * enough, false when PostgreSQL must be restarted for it to take effect.
     */
    boolean follow(Upstream upstream) throws PgException;

    /** Issues a CHECKPOINT (after promote, before a graceful stop). */
    void checkpoint() throws PgException;

    /** Divergence check against the leader (R37). */
    RewindVerdict checkDivergence(Member leader) throws InterruptedException;

    /** pg_rewind from the leader; PostgreSQL must be stopped. */
    void rewind(Member leader) throws PgException, InterruptedException;

    /** Wipes the data directory; only when the configuration allows it (the caller checks). */
    void removeDataDirectory() throws PgException;

    /**
     * On the primary: ensures a physical slot exists for each name in {@code wanted} and drops
     * slots we created that are no longer wanted (except those matching ignore rules).
     */
    void syncReplicationSlots(Set<String> wanted) throws PgException;

    /**
     * R57 on a replica: advance these logical slots to the given LSNs with
     * {@code pg_replication_slot_advance}, in the background (a slow advance must not hold up the
     * loop); a newer target for a slot still waiting replaces the older one. Failures are logged.
     */
    default void advanceLogicalSlots(Map<String, Long> positions) {
    }

    /**
     * R57 on a replica: copy these permanent logical slots' state from {@code leader}, then restart
     * PostgreSQL (stopped meanwhile) so it loads them. Slots whose type, plugin or database on the
     * leader differ from their definition are not copied.
     */
    default void copyLogicalSlots(Member leader, java.util.List<String> names) throws PgException, InterruptedException {
    }

    /** R57: force {@code hot_standby_feedback = on} (or stop forcing it); rewrites and reloads on a change. */
    default void enforceHotStandbyFeedback(boolean on) throws PgException {
    }

    /** Sets {@code synchronous_standby_names} (empty string clears it) and reloads. */
    void setSynchronousStandbyNames(String value) throws PgException;

    /** {@code pg_controldata} as key → value. */
    Map<String, String> controlData() throws PgException, InterruptedException;

    /** The LSN of the latest checkpoint's REDO/record per pg_controldata (for graceful switchover, R32). */
    long latestCheckpointLsn() throws PgException, InterruptedException;

    @Override
    void close();
}
