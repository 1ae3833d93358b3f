package io.patronijvm.pg;

import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.pg.conf.ConnInfo;
import io.patronijvm.pg.conf.Gucs;
import io.patronijvm.pg.sql.Observation;
import io.patronijvm.pg.sql.Observer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds one {@link LocalPgState}: files and pid first, SQL if the server runs, pg_controldata if not. */
final class StateReader {

    private static final Logger log = LoggerFactory.getLogger(StateReader.class);

    private final PgContext ctx;
    private final Lifecycle lifecycle;
    private final Tools tools;
    private final ObserveConnection observer;
    private final RoleConf conf;
    /**
     * The last system identifier read from this data directory. Patroni reads it once and keeps
     * it; so do we, so that a primary whose pg_control became unreadable is still recognised as
     * this cluster's and goes through recovery (start, and R34 when that fails) instead of
     * stopping at "system identifier unknown". Forgotten when the data directory is not valid.
     */
    private volatile String knownSysid;

    StateReader(PgContext ctx, Lifecycle lifecycle, Tools tools, ObserveConnection observer, RoleConf conf) {
        this.ctx = ctx;
        this.lifecycle = lifecycle;
        this.tools = tools;
        this.observer = observer;
        this.conf = conf;
    }

    LocalPgState read() {
        return read(true);
    }

    /**
     * {@link io.patronijvm.core.pg.PostgresControl#observeReplicaProgress}: {@code last}'s state with the light query's
     * progress while the same postmaster still runs as a replica, else a full {@link #read()}.
     */
    LocalPgState readReplicaProgress(LocalPgState last) {
        if (last == null || !last.isReplica() || last.runState() != PgRunState.RUNNING || ctx.activity != null
                || ctx.dataDirState() != DataDirState.VALID) {
            return read();
        }
        Optional<PostmasterPid> pid = lifecycle.running();
        if (pid.isEmpty() || runState(true, pid) != PgRunState.RUNNING) {
            return read();
        }
        Observer.Progress p = observer.tryProgress();
        if (p == null) {
            return read(false); // not answering: as a full observation whose query failed, without a second try
        }
        if (!p.inRecovery() || !java.util.Objects.equals(p.postmasterStartTime(), last.postmasterStartTime())) {
            return read(); // promoted or restarted behind our back: everything may differ
        }
        return last.withReplicaProgress(p.timeline(), p.receivedLsn(), p.replayedLsn(), p.replayedTimestamp(),
                p.replayPaused(), p.streaming());
    }

    private LocalPgState read(boolean trySql) {
        DataDirState dir = ctx.dataDirState();
        if (dir != DataDirState.VALID) {
            knownSysid = null;
        }
        Optional<PostmasterPid> pid = lifecycle.running();
        boolean running = pid.isPresent();
        Observation o = running && trySql ? observer.tryObserve() : null;
        boolean standbySignal = Files.exists(ctx.paths.standbySignal());
        if (o != null) {
            Map<String, String> ci = ConnInfo.parse(o.primaryConninfo());
            Map<String, List<String>> pending = reasons(o);
            int upPort = ci.containsKey("port") ? parseInt(ci.get("port")) : 0;
            return new LocalPgState(dir, remember(o.sysid()), true, PgRunState.RUNNING, true, o.inRecovery(), o.timeline(),
                    o.currentWalLsn(), o.receivedLsn(), o.replayedLsn(), o.replayedTimestamp(), o.replayPaused(),
                    o.streaming(), ci.get("host"), upPort, standbySignal, o.serverVersion(), o.postmasterStartTime(),
                    o.walSenders(), o.slots(), o.inRecovery() ? "in archive recovery" : "in production",
                    o.rewindPossible() && ctx.usePgRewind(), !pending.isEmpty(), pending, o.synchronousStandbyNames(),
                    o.logicalSlots());
        }
        ControlData cd = dir == DataDirState.VALID ? controlDataQuietly() : null;
        PgRunState state = runState(running, pid);
        return new LocalPgState(dir, remember(cd == null ? null : cd.sysid()), running, state, false, false,
                cd == null ? 0 : cd.checkpointTimeline(), -1, -1, -1, null, false, false,
                conf.replica() ? conf.upstream().host() : null, conf.replica() ? conf.upstream().port() : 0,
                standbySignal, 0, null, List.of(), Set.of(), cd == null ? null : cd.clusterState(),
                cd != null && cd.rewindPossible() && ctx.usePgRewind(), false, Map.of(), "");
    }

    private String remember(String sysid) {
        if (sysid != null && !sysid.isBlank()) {
            knownSysid = sysid;
            return sysid;
        }
        return knownSysid;
    }

    private PgRunState runState(boolean running, Optional<PostmasterPid> pid) {
        PgRunState busy = ctx.activity;
        if (running) {
            if (busy == PgRunState.STOPPING || busy == PgRunState.STARTING || busy == PgRunState.RESTARTING) {
                return busy;
            }
            String status = pid.get().status();
            return "starting".equals(status) ? PgRunState.STARTING
                    : "stopping".equals(status) ? PgRunState.STOPPING : PgRunState.RUNNING;
        }
        if (busy != null && busy != PgRunState.STOPPING) {
            return busy;
        }
        return lifecycle.stalePidFile() ? PgRunState.CRASHED : PgRunState.STOPPED;
    }

    /**
     * R65: each parameter waiting for a restart with [running value, value we configured]: what
     * pg_settings flags, plus command-line GUCs whose configured value differs from the running one.
     */
    private Map<String, List<String>> reasons(Observation o) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Gucs gucs = conf.lastGucs() != null ? conf.lastGucs() : Gucs.compute(ctx.dyn(), ctx.pg, ctx.scope, null, null, ctx.majorVersion());
        o.pendingRestart().forEach((name, running) -> {
            String wanted = gucs.file().getOrDefault(name, gucs.cmdline().get(name));
            out.put(name, List.of(running == null ? "" : running, wanted == null ? "?" : wanted));
        });
        o.cmdlineSettings().forEach((name, running) -> {
            String wanted = gucs.cmdline().get(name);
            if (wanted != null && !wanted.equalsIgnoreCase(running)) {
                out.put(name, List.of(running, wanted));
            }
        });
        return out;
    }

    private ControlData controlDataQuietly() {
        try {
            return tools.controlData();
        } catch (PgException e) {
            log.debug("pg_controldata failed: {}", e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
