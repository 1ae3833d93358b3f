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

    Gucs lastGucs() {
        return last;
    }

    /** Renders and writes all files for the current role; returns true when something PostgreSQL reads changed. */
    boolean write(ControlData replicaControl) throws PgException {
        Gucs gucs = Gucs.compute(ctx.dyn(), ctx.pg, ctx.scope, syncStandbyNames, replica ? replicaControl : null,
                ctx.majorVersion());
        if (last == null || !last.warnings().equals(gucs.warnings())) {
            gucs.warnings().forEach(w -> log.warn("{}", w));
        }
        last = gucs;
        try {
            return files.write(gucs, replica ? recovery() : null, ctx.dyn().pgHba());
        } catch (IOException e) {
            throw new PgException("cannot write config files in " + ctx.paths.configDir() + ": " + e.getMessage(), e);
        }
    }

    private ConfigFiles.Recovery recovery() {
        Upstream up = upstream;
        if (up.isNobody()) {
            return new ConfigFiles.Recovery(null, null, ctx.pg.recoveryConf());
        }
        String slot = up.slotName() != null ? up.slotName()
                : ctx.dyn().useSlots() ? SlotNames.forMember(ctx.name) : null;
        String dsn = files.dsn(ctx.pg.replication(), up.host(), up.port(), ctx.name);
        return new ConfigFiles.Recovery(dsn, slot, ctx.pg.recoveryConf());
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
