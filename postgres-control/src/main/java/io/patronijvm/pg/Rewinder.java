package io.patronijvm.pg;

import io.patronijvm.core.config.Credentials;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.pg.conf.ConnInfo;
import io.patronijvm.pg.conf.ToolOptions;
import io.patronijvm.pg.process.ProcessRunner.Command;
import io.patronijvm.pg.sql.Observation;
import io.patronijvm.pg.sql.PgConnector;
import io.patronijvm.pg.sql.ReplicationProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** R36-R38: is our history a prefix of the leader's, and pg_rewind when it is not. */
final class Rewinder {

    private static final Logger log = LoggerFactory.getLogger(Rewinder.class);
    private static final Duration LEADER_SQL_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Where our WAL ends and on which timeline. A replica's {@code lsn} is its replay position; a
     * former primary's is the start of its last checkpoint record, and {@code checkpointEnd} where
     * that record ends (-1 when unknown, or for a replica).
     */
    record LocalPosition(int timeline, long lsn, boolean replica, long checkpointEnd) {
    }

    private final PgContext ctx;
    private final Tools tools;
    private final RoleConf conf;

    Rewinder(PgContext ctx, Tools tools, RoleConf conf) {
        this.ctx = ctx;
        this.tools = tools;
        this.conf = conf;
    }

    /** {@code running}: the observation of our running server, or null when PostgreSQL is stopped. */
    RewindVerdict checkDivergence(Member leader, Observation running) throws InterruptedException {
        try {
            LocalPosition local = running != null ? fromRunning(running) : fromControlData();
            ConnInfo.HostPort hp = ConnInfo.fromConnUrl(leader.connUrl());
            try (Connection sql = PgConnector.connect(hp.host(), hp.port(), ctx.pg.rewindOrSuperuser(), LEADER_SQL_TIMEOUT)) {
                if (ReplicationProtocol.inRecovery(sql)) {
                    log.info("leader {} is still in recovery: divergence unknown", leader.name());
                    return RewindVerdict.UNKNOWN;
                }
            }
            try (Connection repl = PgConnector.connectReplication(hp.host(), hp.port(), ctx.pg.replication(), LEADER_SQL_TIMEOUT)) {
                int leaderTl = ReplicationProtocol.identifySystem(repl).timeline();
                RewindVerdict v = decide(local, leaderTl, () -> ReplicationProtocol.timelineHistory(repl, leaderTl));
                log.info("divergence check against {}: local timeline {} lsn {}, leader timeline {}: {}", leader.name(),
                        local.timeline(), Lsn.format(local.lsn()), leaderTl, v);
                return v;
            }
        } catch (SQLException | PgException | IllegalArgumentException e) {
            log.warn("divergence check against {} failed: {}", leader.name(), e.getMessage());
            return RewindVerdict.UNKNOWN;
        }
    }

    interface HistorySource {
        String fetch() throws SQLException;
    }

    /** R37 as a pure function of our position, the leader's timeline and its history file. */
    static RewindVerdict decide(LocalPosition local, int leaderTl, HistorySource history) throws SQLException {
        if (local.timeline() > leaderTl) {
            return RewindVerdict.NEEDED;
        }
        if (local.timeline() == leaderTl) {
            return RewindVerdict.NOT_NEEDED;
        }
        OptionalLong switchPoint = TimelineHistory.parse(history.fetch()).switchPointOf(local.timeline());
        if (switchPoint.isEmpty()) {
            return RewindVerdict.NEEDED;
        }
        long sp = switchPoint.getAsLong();
        boolean needed;
        if (local.replica()) {
            needed = local.lsn() > sp;                       // replayed past the point where the leader branched
        } else {
            // A former primary can follow without a rewind only when its last record, the shutdown
            // checkpoint, ends exactly where the new timeline begins; any other end means WAL that
            // the new timeline does not have, or a gap (Patroni: _get_checkpoint_end).
            needed = local.lsn() >= sp || local.checkpointEnd() != sp;
        }
        return needed ? RewindVerdict.NEEDED : RewindVerdict.NOT_NEEDED;
    }

    private static LocalPosition fromRunning(Observation o) {
        return o.inRecovery() ? new LocalPosition(o.timeline(), o.replayedLsn(), true, -1)
                : new LocalPosition(o.timeline(), o.currentWalLsn(), true, -1);
    }

    /** Stopped: an unclean shutdown is recovered first (single-user, R34) so pg_control tells where WAL ends. */
    private LocalPosition fromControlData() throws PgException, InterruptedException {
        ControlData cd = tools.controlData();
        if (cd.uncleanShutdown() && !Files.exists(ctx.paths.dataDir().resolve("backup_label"))) {
            crashRecovery();
            cd = tools.controlData();
        }
        if (cd.shutDownInRecovery()) {
            int tl = cd.minRecoveryEndTimeline() > 0 ? cd.minRecoveryEndTimeline() : cd.checkpointTimeline();
            long lsn = cd.minRecoveryEndLsn() > 0 ? cd.minRecoveryEndLsn() : cd.checkpointLsn();
            return new LocalPosition(tl, lsn, true, -1);
        }
        int tl = cd.checkpointTimeline();
        long end = tools.recordEnd(tl, cd.checkpointLsn()).orElse(-1);
        return new LocalPosition(tl, cd.checkpointLsn(), false, end);
    }

    /** R34: {@code postgres --single} replays WAL to a clean shutdown without accepting connections. */
    void crashRecovery() throws PgException, InterruptedException {
        log.warn("data directory {} was not shut down cleanly: running crash recovery in single-user mode", ctx.paths.dataDir());
        try {
            // Single-user mode refuses standby mode; the role's files are rewritten afterwards anyway.
            Files.deleteIfExists(ctx.paths.standbySignal());
        } catch (IOException e) {
            throw new PgException("cannot remove " + ctx.paths.standbySignal() + ": " + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>(List.of(ctx.bin().get("postgres"), "--single", "-D",
                ctx.paths.dataDir().toString(), "--config-file=" + ctx.paths.conf()));
        conf.write(null);
        conf.lastGucs().cmdline().forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
        cmd.addAll(List.of("-c", "archive_mode=on", "-c", "archive_command=false", "postgres"));
        ctx.runner.runChecked(new Command("crash recovery", cmd, ctx.toolEnv(), null, false), PgContext.LONG_TOOL_TIMEOUT);
    }

    /**
     * Patroni (3.0.2 and 3.3): pg_rewind's source connection asks for a read-write server, so a
     * source given as several hosts (libpq's client-side failover) reaches the primary.
     */
    private Map<String, String> rewindAttrs() {
        return ctx.majorVersion() >= 10 ? Map.of("target_session_attrs", "read-write") : Map.of();
    }

    /** R38: PostgreSQL must be stopped; config files survive pg_rewind's copy from the source. */
    void rewind(Member leader) throws PgException, InterruptedException {
        OsUser.refuseRoot();
        ControlData cd = tools.controlData();
        if (cd.uncleanShutdown() && !Files.exists(ctx.paths.dataDir().resolve("backup_label"))) {
            crashRecovery();
            cd = tools.controlData();
        }
        if (!ctx.usePgRewind() || !cd.rewindPossible()) {
            throw new PgException("pg_rewind is not possible for " + ctx.paths.dataDir() + ": use_pg_rewind="
                    + ctx.usePgRewind() + ", wal_log_hints=" + cd.get("wal_log_hints setting")
                    + ", data checksums version=" + cd.get("Data page checksum version"));
        }
        ConnInfo.HostPort hp;
        try {
            hp = ConnInfo.fromConnUrl(leader.connUrl());
            conf.files().writePgpass();
        } catch (IllegalArgumentException | IOException e) {
            throw new PgException("cannot prepare pg_rewind from member " + leader.name() + ": " + e.getMessage(), e);
        }
        Credentials user = ctx.pg.rewindOrSuperuser();
        List<String> cmd = new ArrayList<>(List.of(ctx.bin().get("pg_rewind"), "-D", ctx.paths.dataDir().toString(),
                "--source-server=" + conf.files().dsn(user, hp.host(), hp.port(), null, rewindAttrs())));
        if (ctx.pg.recoveryConf().containsKey("restore_command")) {
            cmd.add("--restore-target-wal");
        }
        cmd.addAll(ToolOptions.render("postgresql.rewind", ctx.pg.rewindOptions(), ToolOptions.REWIND_FORBIDDEN));
        Map<String, String> env = new HashMap<>(ctx.toolEnv());
        env.put("PGOPTIONS", "-c statement_timeout=0");
        Map<Path, byte[]> saved = saveConfigFiles();
        try {
            ctx.runner.runChecked(new Command("pg_rewind", cmd, env, null, false), PgContext.LONG_TOOL_TIMEOUT);
        } finally {
            restoreConfigFiles(saved);
        }
        cleanReplSlots();
        conf.asReplicaOf(new Upstream(leader.name(), hp.host(), hp.port(), null));
        conf.write(null);
    }

    private Map<Path, byte[]> saveConfigFiles() throws PgException {
        Map<Path, byte[]> saved = new LinkedHashMap<>();
        for (Path p : List.of(ctx.paths.conf(), ctx.paths.baseConf(), ctx.paths.hba(), ctx.paths.ident())) {
            try {
                if (Files.isRegularFile(p)) {
                    saved.put(p, Files.readAllBytes(p));
                }
            } catch (IOException e) {
                throw new PgException("cannot save " + p + " before pg_rewind: " + e.getMessage(), e);
            }
        }
        return saved;
    }

    private void restoreConfigFiles(Map<Path, byte[]> saved) throws PgException {
        for (Map.Entry<Path, byte[]> e : saved.entrySet()) {
            try {
                io.patronijvm.pg.conf.AtomicFile.write(e.getKey(), new String(e.getValue(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException ex) {
                throw new PgException("cannot restore " + e.getKey() + " after pg_rewind: " + ex.getMessage(), ex);
            }
        }
    }

    /** R38.6: slots copied from the source are not ours. */
    private void cleanReplSlots() throws PgException {
        try {
            DataDirCleaner.clearContents(ctx.paths.dataDir().resolve("pg_replslot"));
        } catch (IOException e) {
            throw new PgException("cannot clean " + ctx.paths.dataDir().resolve("pg_replslot") + ": " + e.getMessage(), e);
        }
    }
}
