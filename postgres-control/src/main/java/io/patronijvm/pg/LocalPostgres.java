package io.patronijvm.pg;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.PostgresControl;
import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.pg.sql.Observation;
import io.patronijvm.pg.sql.PgConnector;
import io.patronijvm.pg.sql.Slots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link PostgresControl} over PostgreSQL's own binaries and JDBC. The postmaster runs detached
 * and outlives the agent (decision 6); a new instance adopts it through postmaster.pid.
 * Nothing here deletes a data directory except {@link #removeDataDirectory()}.
 */
public final class LocalPostgres implements PostgresControl {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    private static final Duration SQL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private final PgContext ctx;
    private final Tools tools;
    private final RoleConf conf;
    private final Lifecycle lifecycle;
    private final Bootstrapper bootstrapper;
    private final Cloner cloner;
    private final Rewinder rewinder;
    private final ObserveConnection observer;
    private final StateReader reader;
    private final LogicalSlotAdvancer advancer;
    private final LogicalSlotCopier copier;

    public LocalPostgres(PostgresqlConfig pg, BootstrapConfig bootstrap, String scope, String memberName,
                         DynamicConfig dynamic, MonotonicClock clock, Sleeper sleeper) {
        this.ctx = new PgContext(pg, bootstrap, scope, memberName, clock, sleeper, dynamic);
        this.tools = new Tools(ctx);
        this.conf = new RoleConf(ctx);
        this.lifecycle = new Lifecycle(ctx, tools);
        this.bootstrapper = new Bootstrapper(ctx, conf.files());
        this.cloner = new Cloner(ctx, conf);
        this.rewinder = new Rewinder(ctx, tools, conf);
        this.observer = new ObserveConnection(ctx);
        this.reader = new StateReader(ctx, lifecycle, tools, observer, conf); // one: it remembers the sysid
        this.advancer = new LogicalSlotAdvancer(ctx);
        this.copier = new LogicalSlotCopier(ctx);
    }

    /** The files this instance manages (for tests and diagnostics). */
    public PgPaths paths() {
        return ctx.paths;
    }

    @Override
    public LocalPgState observe() {
        return reader.read();
    }

    @Override
    public LocalPgState observeReplicaProgress(LocalPgState last) {
        return reader.readReplicaProgress(last);
    }

    @Override
    public void applyDynamicConfig(DynamicConfig config) throws PgException {
        ctx.dynamic = config;
        reload();
    }

    /**
     * R65: a reloaded local section takes effect now, written into postgresql.conf and the hba
     * and ident files, then {@code pg_ctl reload}; parameters that need a restart show up as
     * pending_restart. The files and binaries the instance runs with cannot move under it: a
     * changed data_dir, config_dir or bin_dir is refused here and waits for an agent restart.
     */
    @Override
    public void applyLocalConfig(PostgresqlConfig local) throws PgException {
        if (!PgPaths.of(local).sameInstance(ctx.paths) || !java.util.Objects.equals(local.binDir(), ctx.pg.binDir())) {
            throw new PgException("postgresql data_dir, config_dir or bin_dir changed: applied when the agent "
                    + "restarts; nothing else of the reload was applied");
        }
        ctx.pg = local;
        conf.files().local(local);
        reload();
        log.info("applied the reloaded postgresql section to {}", ctx.paths.dataDir());
    }

    @Override
    public void bootstrap(Duration timeout) throws PgException, InterruptedException {
        boolean custom = bootstrapper.custom();
        ctx.activity = custom ? PgRunState.RUNNING_CUSTOM_BOOTSTRAP : PgRunState.INITIALIZING;
        try {
            bootstrapper.initdb();
        } catch (PgException | RuntimeException e) {
            ctx.activity = custom ? PgRunState.CUSTOM_BOOTSTRAP_FAILED : PgRunState.INITDB_FAILED;
            throw e;
        }
        if (!custom) {
            start(Upstream.NOBODY, false, timeout);
            return;
        }
        // R15: the restored server may not know our passwords yet; post_bootstrap sets them.
        conf.customBootstrap(new RoleConf.CustomBootstrap(bootstrapper.customRecovery(), bootstrapper.trustHba(),
                bootstrapper.disableHotStandby()));
        start(Upstream.NOBODY, false, timeout);
        awaitEndOfRecovery();
    }

    /** Patroni's "waiting for end of recovery after bootstrap": a restore runs until it promotes. */
    private void awaitEndOfRecovery() throws PgException, InterruptedException {
        Deadline d = Deadline.after(ctx.clock, PgContext.LONG_TOOL_TIMEOUT);
        long nextLog = 0;
        while (true) {
            Observation o = observer.tryObserve();
            if (o != null && !o.inRecovery()) {
                return;
            }
            if (lifecycle.running().isEmpty()) {
                throw new PgException("postgres stopped during the recovery of the custom bootstrap in "
                        + ctx.paths.dataDir() + ":\n" + lifecycle.logTail(0));
            }
            if (d.expired()) {
                throw new PgException("custom bootstrap: " + ctx.paths.dataDir() + " still in recovery after "
                        + PgContext.LONG_TOOL_TIMEOUT.toHours() + " h");
            }
            if (ctx.clock.nanoTime() - nextLog >= 0) {
                log.info("waiting for end of recovery after bootstrap");
                nextLog = ctx.clock.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            ctx.sleeper.sleep(Duration.ofSeconds(1));
        }
    }

    @Override
    public void postBootstrap() throws PgException, InterruptedException {
        bootstrapper.postBootstrap();
        if (bootstrapper.custom()) {
            // R16: the passwords are ours now: the configured pg_hba.conf, no recovery settings.
            io.patronijvm.pg.conf.Gucs during = conf.lastGucs();
            conf.endCustomBootstrap();
            reload();
            if (during != null && !during.cmdline().equals(conf.lastGucs().cmdline())) {
                log.info("restarting after the custom bootstrap: it ran with {} instead of {}", during.cmdline(),
                        conf.lastGucs().cmdline());
                restart(ctx.pg.pgCtlTimeout());
            }
        }
    }

    @Override
    public String cancelBootstrap() throws InterruptedException {
        stop(StopMode.IMMEDIATE, ctx.pg.pgCtlTimeout());
        ctx.activity = null;
        return bootstrapper.moveAside();
    }

    @Override
    public void cloneFrom(Member source) throws PgException, InterruptedException {
        cloneFrom(source, List.of());
    }

    @Override
    public void cloneFrom(Member source, List<String> methods) throws PgException, InterruptedException {
        ctx.activity = PgRunState.CREATING_REPLICA;
        try {
            cloner.cloneFrom(source, methods);
        } finally {
            ctx.activity = null;
        }
    }

    @Override
    public void start(Upstream upstream, boolean asReplica, Duration timeout) throws PgException, InterruptedException {
        OsUser.refuseRoot();
        ctx.bin();
        DataDirState state = ctx.dataDirState();
        if (state != DataDirState.VALID) {
            throw new PgException("data directory " + ctx.paths.dataDir() + " is " + (state == DataDirState.EMPTY
                    ? "empty: bootstrap or clone first" : "not a PostgreSQL data directory " + PgContext.sample(ctx.paths.dataDir())));
        }
        if (asReplica) {
            conf.asReplicaOf(upstream);
        } else {
            conf.asPrimary();
        }
        if (lifecycle.running().isPresent()) {
            log.info("postgres is already running: rewriting config and reloading");
            reload();
            return;
        }
        ctx.activity = PgRunState.STARTING;
        // A connection cached from a server that died behind our back would fail the first
        // observation of the new one.
        observer.close();
        try {
            conf.write(asReplica || conf.restoring() ? tools.controlData() : null);
            lifecycle.launch(conf.lastGucs(), timeout);
            ctx.activity = null;
        } catch (PgException | RuntimeException e) {
            ctx.activity = PgRunState.START_FAILED;
            throw e;
        }
    }

    @Override
    public boolean stop(StopMode mode, Duration timeout) throws InterruptedException {
        // Our own idle session would hold a smart shutdown forever.
        observer.close();
        ctx.activity = PgRunState.STOPPING;
        boolean stopped = lifecycle.stop(mode, timeout);
        ctx.activity = stopped ? null : PgRunState.STOP_FAILED;
        return stopped;
    }

    @Override
    public void restart(Duration timeout) throws PgException, InterruptedException {
        Deadline d = Deadline.after(ctx.clock, timeout);
        if (!stop(StopMode.FAST, timeout)) {
            ctx.activity = PgRunState.RESTART_FAILED;
            throw new PgException("restart: postgres in " + ctx.paths.dataDir() + " did not stop");
        }
        start(conf.upstream(), conf.replica(), d.remaining());
    }

    @Override
    public void reload() throws PgException {
        conf.write(null);
        if (lifecycle.running().isEmpty()) {
            return;
        }
        try {
            tools.pgCtl("reload", List.of("-s"), Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException("reload interrupted", e);
        }
    }

    @Override
    public void promote(Duration timeout) throws PgException, InterruptedException {
        promote(timeout, 0);
    }

    /**
     * PostgreSQL names the new timeline after the highest history file it finds above its own
     * (it probes N+1, N+2, ... while {@code pg_wal/<N>.history} exists). Timelines another node
     * used that we never saw have no file here, so for each of them a placeholder goes in first.
     * A placeholder is a history file without entries: should the startup process rescan for a
     * newer timeline before the promotion, it finds one that is not a child of ours and stays.
     * The placeholders stay afterwards: a replica that follows us across the gap asks its
     * primary for the history file of every timeline in between, and gives up if one is missing.
     */
    @Override
    public void promote(Duration timeout, int usedTimeline) throws PgException, InterruptedException {
        advancer.clear(); // a primary's slots move with its own consumers
        TimelinePlaceholders.write(ctx.paths.dataDir().resolve("pg_wal"), observe().timeline(), usedTimeline);
        promoteNow(timeout);
    }

    private void promoteNow(Duration timeout) throws PgException, InterruptedException {
        Deadline d = Deadline.after(ctx.clock, timeout);
        tools.pgCtl("promote", List.of("-W"), timeout);
        while (true) {
            Observation o = observer.tryObserve();
            if (o != null && !o.inRecovery()) {
                break;
            }
            if (d.expired()) {
                throw new PgException("promote: " + ctx.paths.dataDir() + " still in recovery after " + timeout.toSeconds() + " s");
            }
            ctx.sleeper.sleep(POLL);
        }
        conf.asPrimary();
        conf.write(null);
        log.info("promoted {}", ctx.paths.dataDir());
    }

    @Override
    public boolean follow(Upstream upstream) throws PgException {
        boolean runningAsPrimary = lifecycle.running().isPresent() && !java.nio.file.Files.exists(ctx.paths.standbySignal());
        conf.asReplicaOf(upstream);
        reload();
        // PG 13+ rereads primary_conninfo / primary_slot_name on reload; older ones need a restart.
        return !runningAsPrimary && ctx.majorVersion() >= 13;
    }

    @Override
    public void checkpoint() throws PgException {
        execute("CHECKPOINT", ctx.pg.pgCtlTimeout());
    }

    @Override
    public RewindVerdict checkDivergence(Member leader) throws InterruptedException {
        Observation running = lifecycle.running().isPresent() ? observer.tryObserve() : null;
        if (lifecycle.running().isPresent() && running == null) {
            return RewindVerdict.UNKNOWN;
        }
        return rewinder.checkDivergence(leader, running);
    }

    @Override
    public void rewind(Member leader) throws PgException, InterruptedException {
        if (lifecycle.running().isPresent()) {
            throw new PgException("pg_rewind needs PostgreSQL stopped, but it is running in " + ctx.paths.dataDir());
        }
        rewinder.rewind(leader);
    }

    @Override
    public void removeDataDirectory() throws PgException {
        if (lifecycle.running().isPresent()) {
            throw new PgException("refusing to remove " + ctx.paths.dataDir() + ": postgres is running");
        }
        try {
            DataDirCleaner.clearContents(ctx.paths.dataDir());
        } catch (IOException e) {
            throw new PgException("cannot remove data directory " + ctx.paths.dataDir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void syncReplicationSlots(Set<String> wanted) throws PgException {
        try (Connection c = connect(SQL_TIMEOUT)) {
            Slots.sync(c, db -> PgConnector.connect(ctx.localHost(), ctx.pg.port(), db, ctx.pg.superuser(), SQL_TIMEOUT),
                    wanted, Slots.logicalSpecs(ctx.dyn().slots()), ctx.dyn().ignoreSlots());
        } catch (SQLException e) {
            throw new PgException("syncing replication slots on port " + ctx.pg.port() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void advanceLogicalSlots(Map<String, Long> positions) {
        Map<String, Slots.LogicalSpec> specs = Slots.logicalSpecs(ctx.dyn().slots());
        Map<String, Map<String, Long>> byDatabase = new java.util.TreeMap<>();
        positions.forEach((slot, lsn) -> {
            Slots.LogicalSpec spec = specs.get(slot);
            if (spec != null) {
                byDatabase.computeIfAbsent(spec.database(), k -> new java.util.LinkedHashMap<>()).put(slot, lsn);
            }
        });
        advancer.schedule(byDatabase);
    }

    @Override
    public void copyLogicalSlots(Member leader, List<String> names) throws PgException, InterruptedException {
        Map<String, byte[]> states = copier.read(leader, names);
        if (states.isEmpty()) {
            return;
        }
        // PostgreSQL reads pg_replslot only at start: stop, write the files, start with the same role.
        Deadline d = Deadline.after(ctx.clock, ctx.pg.pgCtlTimeout().multipliedBy(2));
        if (!stop(StopMode.FAST, d.remaining())) {
            throw new PgException("copying logical slots " + states.keySet() + ": postgres did not stop");
        }
        copier.write(states);
        start(conf.upstream(), conf.replica(), d.remaining());
    }

    @Override
    public void enforceHotStandbyFeedback(boolean on) throws PgException {
        if (conf.hotStandbyFeedback(on) && lifecycle.running().isPresent()) {
            log.info("{} hot_standby_feedback for permanent logical slots", on ? "enforcing" : "no longer enforcing");
            reload();
        }
    }

    @Override
    public void setSynchronousStandbyNames(String value) throws PgException {
        conf.syncStandbyNames(value == null ? "" : value);
        reload();
    }

    @Override
    public Map<String, String> controlData() throws PgException, InterruptedException {
        return tools.controlData().values();
    }

    @Override
    public long latestCheckpointLsn() throws PgException, InterruptedException {
        return tools.controlData().checkpointLsn();
    }

    @Override
    public void close() {
        observer.close();
    }

    private void execute(String sql, Duration timeout) throws PgException {
        try (Connection c = connect(timeout); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new PgException(sql + " on " + ctx.localHost() + ":" + ctx.pg.port() + " failed: " + e.getMessage(), e);
        }
    }

    private Connection connect(Duration timeout) throws SQLException {
        return PgConnector.connect(ctx.localHost(), ctx.pg.port(), ctx.pg.superuser(), timeout);
    }
}
