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

    /** After an agent restart: standby.signal plus our recovery block tell the role and upstream. */
    private void readBack() {
        if (!Files.exists(ctx.paths.standbySignal())) {
            return;
        }
        replica = true;
        try {
            if (!Files.isRegularFile(ctx.paths.conf())) {
                return;
            }
            String conninfo = null;
            String slot = null;
            for (String line : Files.readAllLines(ctx.paths.conf())) {
                String[] kv = line.split("=", 2);
                if (kv.length == 2) {
                    String k = kv[0].trim();
                    String v = kv[1].trim().replaceAll("^'|'$", "").replace("''", "'");
                    if (k.equals("primary_conninfo")) {
                        conninfo = v;
                    } else if (k.equals("primary_slot_name")) {
                        slot = v;
                    }
                }
            }
            Map<String, String> ci = ConnInfo.parse(conninfo);
            if (ci.containsKey("host")) {
                upstream = new Upstream(null, ci.get("host"), Integer.parseInt(ci.getOrDefault("port", "5432")), slot);
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("cannot read the recovery settings back from {}: {}", ctx.paths.conf(), e.toString());
        }
    }
}
