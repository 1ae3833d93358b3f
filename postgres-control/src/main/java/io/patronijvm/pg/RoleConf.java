package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.pg.conf.ConfigFiles;
import io.patronijvm.pg.conf.ConnInfo;
import io.patronijvm.pg.conf.Gucs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The role the config files describe (primary, or replica of an upstream) and the rendering of
 * those files from it. An adopted replica's upstream is read back from our postgresql.conf so a
 * reload after an agent restart keeps {@code primary_conninfo}.
 */
final class RoleConf {

    private static final Logger log = LoggerFactory.getLogger(RoleConf.class);

    private final PgContext ctx;
    private final ConfigFiles files;
    private volatile boolean replica;
    private volatile Upstream upstream = Upstream.NOBODY;
    private volatile String syncStandbyNames;
    private volatile Gucs last;
    private volatile boolean hotStandbyFeedback;
    /** Set while a custom bootstrap runs (R15, R16): its recovery settings and the trust pg_hba.conf. */
    private volatile CustomBootstrap customBootstrap;

    /** What the files say during a custom bootstrap, until post_bootstrap has set the passwords. */
    record CustomBootstrap(ConfigFiles.Recovery recovery, List<String> trustHba, boolean hotStandbyOff) {
    }

    RoleConf(PgContext ctx) {
        this.ctx = ctx;
        this.files = new ConfigFiles(ctx.pg, ctx.paths);
        readBack();
    }

    ConfigFiles files() {
        return files;
    }

    boolean replica() {
        return replica;
    }

    Upstream upstream() {
        return upstream;
    }

    void asPrimary() {
        replica = false;
        upstream = Upstream.NOBODY;
    }

    void asReplicaOf(Upstream up) {
        replica = true;
        upstream = up == null ? Upstream.NOBODY : up;
    }

    void syncStandbyNames(String value) {
        syncStandbyNames = value;
    }

    /** A custom bootstrap starts: the next writes use its recovery settings and trust access. */
    void customBootstrap(CustomBootstrap cb) {
        customBootstrap = cb;
    }

    /** post_bootstrap finished: back to the configured pg_hba.conf and no recovery settings. */
    void endCustomBootstrap() {
        customBootstrap = null;
    }

    /**
     * A custom bootstrap's server is still recovering the restored backup: like a replica it must
     * start with at least the settings in its pg_controldata, or recovery aborts (R65).
     */
    boolean restoring() {
        return customBootstrap != null && !replica;
    }

    /** Returns true when the value changed. */
    boolean hotStandbyFeedback(boolean on) {
        boolean changed = hotStandbyFeedback != on;
        hotStandbyFeedback = on;
        return changed;
    }

    Gucs lastGucs() {
        return last;
    }

    /** Renders and writes all files for the current role; returns true when something PostgreSQL reads changed. */
    boolean write(ControlData replicaControl) throws PgException {
        CustomBootstrap cb = customBootstrap;
        boolean restoring = cb != null && !replica;
        Gucs gucs = Gucs.compute(ctx.dyn(), ctx.pg, ctx.scope, syncStandbyNames,
                replica || restoring ? replicaControl : null, ctx.majorVersion());
        if (hotStandbyFeedback) {
            // R57: permanent logical slots on standbys need it; Patroni overrides the configured value.
            gucs = gucs.withFile("hot_standby_feedback", "on");
        }
        if (restoring && cb.hotStandbyOff()) {
            // Patroni: a point-in-time restore that promotes must not fail on hot-standby checks of
            // settings raised on the source; post_bootstrap restarts with the real values.
            gucs = gucs.withCmdline("hot_standby", "off");
        }
        if (last == null || !last.warnings().equals(gucs.warnings())) {
            gucs.warnings().forEach(w -> log.warn("{}", w));
        }
        last = gucs;
        try {
            if (restoring) {
                return files.write(gucs, cb.recovery(), ctx.dyn().pgHba(), cb.trustHba());
            }
            return files.write(gucs, replica ? recovery() : null, ctx.dyn().pgHba());
        } catch (IOException e) {
            throw new PgException("cannot write config files in " + ctx.paths.configDir() + ": " + e.getMessage(), e);
        }
    }

    private ConfigFiles.Recovery recovery() {
        Upstream up = upstream;
        Map<String, Object> extra = recoveryParams(up);
        if (up.isNobody()) {
            return new ConfigFiles.Recovery(null, null, extra);
        }
        String slot = up.remote() ? up.slotName() : up.slotName() != null ? up.slotName()
                : ctx.dyn().useSlots() ? SlotNames.forMember(ctx.name) : null;
        Map<String, String> attrs = Map.of();
        if (up.remote() && up.host().contains(",") && slot != null && ctx.dyn().useSlots() && ctx.majorVersion() >= 10) {
            // Patroni 3.3: a standby leader streaming through a slot from a list of remote hosts
            // must reach the remote primary, not a replica that libpq happens to find first.
            attrs = Map.of("target_session_attrs", "read-write");
        }
        String dsn = files.dsn(ctx.pg.replication(), up.host(), up.port(), ctx.name, attrs);
        return new ConfigFiles.Recovery(dsn, slot, extra);
    }

    /**
     * {@code recovery_conf}, plus in a standby cluster (R59) its restore_command and
     * archive_cleanup_command for every member, and recovery_min_apply_delay when following the
     * remote primary itself.
     */
    private Map<String, Object> recoveryParams(Upstream up) {
        io.patronijvm.core.config.StandbyCluster sc = ctx.dyn().standby();
        if (sc == null) {
            return ctx.pg.recoveryConf();
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(ctx.pg.recoveryConf());
        out.putAll(sc.archiveParams());
        if (up.remote() && sc.recoveryMinApplyDelay() != null) {
            out.put("recovery_min_apply_delay", sc.recoveryMinApplyDelay());
        }
        return out;
    }

    /**
     * After an agent restart: standby.signal plus our recovery block tell the role and upstream,
     * and our postgresql.conf the {@code synchronous_standby_names} the previous run set. Kept
     * until the HA loop sets it again: rewriting the file without it would reload a running
     * primary with no synchronous standby, releasing commits that waited for one, acknowledged
     * then without the standby the cluster may fail over to (found by scripts/chaos, kill -9 of
     * the agent in sync mode: 4 acknowledged writes lost).
     */
    private void readBack() {
        if (!Files.isRegularFile(ctx.paths.conf())) {
            return;
        }
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(ctx.paths.conf())) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2) {
                    values.put(kv[0].trim(), kv[1].trim().replaceAll("^'|'$", "").replace("''", "'"));
                }
            }
        } catch (IOException e) {
            log.warn("cannot read the settings back from {}: {}", ctx.paths.conf(), e.toString());
            return;
        }
        syncStandbyNames = values.get("synchronous_standby_names");
        if (!Files.exists(ctx.paths.standbySignal())) {
            return;
        }
        replica = true;
        try {
            Map<String, String> ci = ConnInfo.parse(values.get("primary_conninfo"));
            if (ci.containsKey("host")) {
                upstream = new Upstream(null, ci.get("host"), Integer.parseInt(ci.getOrDefault("port", "5432")),
                        values.get("primary_slot_name"));
            }
        } catch (NumberFormatException e) {
            log.warn("cannot read the recovery settings back from {}: {}", ctx.paths.conf(), e.toString());
        }
    }
}
