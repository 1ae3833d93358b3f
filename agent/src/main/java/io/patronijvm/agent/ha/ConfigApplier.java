package io.patronijvm.agent.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Configuration changes, applied on the HA thread at the start of a cycle: the dynamic
 * configuration from the view (spec 2.2: into the loop's state, the DCS client's timing and the
 * patroni.dynamic.json cache, then into PostgreSQL), and a reloaded local {@code postgresql}
 * section (R65).
 */
final class ConfigApplier {

    private static final Logger log = LoggerFactory.getLogger(ConfigApplier.class);

    private final HaContext ctx;
    private final LoopState state;
    private final DynamicConfigCache cache;
    private final AtomicReference<PostgresqlConfig> pendingLocal = new AtomicReference<>();
    private Map<String, Object> appliedToPg;

    ConfigApplier(HaContext ctx, LoopState state) {
        this.ctx = ctx;
        this.state = state;
        this.cache = new DynamicConfigCache(ctx.dataDir());
    }

    /** R65: from any thread; applied by a later {@link #applyLocalReload()}. */
    void offerLocal(PostgresqlConfig local) {
        pendingLocal.set(local);
    }

    /** The view's {@code config} key becomes the configuration in force when it changed. */
    void applyDynamic(ClusterView view) {
        if (view.config() == null) {
            return;
        }
        DynamicConfig.Parsed parsed = DynamicConfig.fromMap(view.config().data());
        DynamicConfig next = parsed.config();
        DynamicConfig prev = state.config();
        if (!next.raw().equals(prev.raw())) {
            parsed.warnings().forEach(w -> log.warn("dynamic configuration: {}", w));
            if (next.ttl() != prev.ttl() || next.retryTimeout() != prev.retryTimeout()) {
                ctx.dcs().applyTiming(next.ttl(), next.retryTimeout());
            }
            if (next.ttl() != prev.ttl() || next.loopWait() != prev.loopWait()) {
                ctx.watchdog().reloadTiming(next.ttl(), next.loopWait()); // applied at the next keepalive
            }
            state.config(next);
            try {
                cache.store(view.config().data());
            } catch (IOException e) {
                log.warn("could not write patroni.dynamic.json: {}", e.getMessage());
            }
        }
    }

    /**
     * Hands the dynamic configuration to PostgreSQL (its parameters, pg_hba, slots settings) when it
     * changed since the last hand-over. Only once a data directory exists: writing configuration
     * files into an empty directory would make initdb or pg_basebackup refuse it.
     */
    void applyToPostgres(LocalPgState pg) {
        DynamicConfig c = state.config();
        if (pg.dataDir() != DataDirState.VALID || c.raw().equals(appliedToPg)
                || ctx.slot().current() != null || !belongsToCluster(pg)) {
            return;
        }
        try {
            ctx.pg().applyDynamicConfig(c);
            appliedToPg = c.raw();
        } catch (PgException e) {
            log.warn("could not apply the dynamic configuration to postgres: {}", e.getMessage());
        }
    }

    /** R65: a reloaded local section, once no long action owns PostgreSQL's files. */
    void applyLocalReload() {
        if (ctx.slot().current() != null) {
            return; // kept for the next cycle
        }
        PostgresqlConfig local = pendingLocal.getAndSet(null);
        if (local == null) {
            return;
        }
        try {
            ctx.pg().applyLocalConfig(local);
        } catch (PgException e) {
            log.warn("reloaded postgresql configuration not applied: {}", e.getMessage());
        }
    }

    /**
     * Whether the data directory is known to be this cluster's: no DCS view yet means we cannot
     * tell, and an {@code initialize} sysid other than ours means R10 is about to exit on it. Either
     * way its files stay as they are (scenario 10: a data directory of another cluster is left intact).
     */
    private boolean belongsToCluster(LocalPgState pg) {
        ClusterView v = state.lastView();
        return v != null && !(v.initializeIsSysid() && !v.initialize().equals(pg.sysid()));
    }
}
