package io.patronijvm.pg;

import io.patronijvm.core.config.ConfigValues;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.pg.conf.ConnInfo;
import io.patronijvm.pg.conf.ToolOptions;
import io.patronijvm.pg.process.ProcessRunner.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * R17: a new replica from a running member, by pg_basebackup or a custom method. Only an
 * attempt's own leftovers are cleaned, and only when the directory was empty before it.
 */
final class Cloner {

    private static final Logger log = LoggerFactory.getLogger(Cloner.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(5);
    private static final int BASEBACKUP_ATTEMPTS = 2;
    private static final Set<String> CUSTOM_RESERVED = Set.of("command", "keep_data", "no_params", "no_leader", "no_master");

    private final PgContext ctx;
    private final RoleConf conf;

    Cloner(PgContext ctx, RoleConf conf) {
        this.ctx = ctx;
        this.conf = conf;
    }

    void cloneFrom(Member source) throws PgException, InterruptedException {
        cloneFrom(source, List.of());
    }

    void cloneFrom(Member source, List<String> methodsOverride) throws PgException, InterruptedException {
        OsUser.refuseRoot();
        Path data = ctx.paths.dataDir();
        if (ctx.dataDirState() != DataDirState.EMPTY) {
            throw new PgException("data directory " + data + " is not empty (" + PgContext.sample(data)
                    + "); refusing to clone into it");
        }
        try {
            conf.files().writePgpass();
        } catch (IOException e) {
            throw new PgException("cannot write pgpass file " + ctx.paths.pgpass() + ": " + e.getMessage(), e);
        }
        ConnInfo.HostPort hp = null;
        String dsn = "";
        if (source != null) {
            try {
                hp = ConnInfo.fromConnUrl(source.connUrl());
            } catch (IllegalArgumentException e) {
                throw new PgException("cannot clone from member " + source.name() + ": " + e.getMessage(), e);
            }
            dsn = conf.files().dsn(ctx.pg.replication(), hp.host(), hp.port(), ctx.name);
        }
        List<String> failures = new ArrayList<>();
        List<String> methods = methodsOverride.isEmpty() ? ctx.pg.createReplicaMethods() : methodsOverride;
        if (source == null) {
            // R18: without a leader only the methods that need no replication connection can run.
            methods = methods.stream().filter(this::worksWithoutLeader).toList();
        }
        for (String method : methods) {
            try {
                if ("basebackup".equals(method)) {
                    basebackup(dsn);
                } else {
                    custom(method, dsn);
                }
                if (ctx.dataDirState() != DataDirState.VALID) {
                    throw new PgException(method + " finished but " + data + " is no PostgreSQL data directory");
                }
                log.info("replica created from {} with {}", source == null ? "a backup (no leader)"
                        : "member " + source.name(), method);
                conf.asReplicaOf(hp == null ? Upstream.NOBODY : new Upstream(source.name(), hp.host(), hp.port(), null));
                conf.write(null);
                return;
            } catch (PgException e) {
                log.error("create replica method {} failed: {}", method, e.getMessage());
                failures.add(method + ": " + e.getMessage());
            }
        }
        throw new PgException("could not clone from " + (source == null ? "a backup (no leader)"
                : "member " + source.name()) + " into " + data + ": " + (methods.isEmpty()
                ? "no create_replica_method works without a leader (no_leader)" : failures));
    }

    private void basebackup(String dsn) throws PgException, InterruptedException {
        Object opts = ctx.pg.replicaMethodOptions().get("basebackup");
        List<String> cmd = new ArrayList<>(List.of(ctx.bin().get("pg_basebackup"), "--pgdata=" + ctx.paths.dataDir(),
                "-X", "stream", "--dbname=" + dsn));
        cmd.addAll(ToolOptions.render("postgresql.basebackup", opts, ToolOptions.BASEBACKUP_FORBIDDEN));
        for (int attempt = 1; ; attempt++) {
            boolean ours = ctx.dataDirState() == DataDirState.EMPTY;
            try {
                ctx.runner.runChecked(new Command("pg_basebackup", cmd, ctx.toolEnv(), null, false), PgContext.LONG_TOOL_TIMEOUT);
                return;
            } catch (PgException e) {
                cleanIfOurs(ours);
                if (attempt >= BASEBACKUP_ATTEMPTS) {
                    throw e;
                }
                log.warn("pg_basebackup attempt {} failed; retrying in {} s", attempt, RETRY_PAUSE.toSeconds());
                ctx.sleeper.sleep(RETRY_PAUSE);
            }
        }
    }

    /** Patroni's {@code replica_method_can_work_without_replication_connection}. */
    private boolean worksWithoutLeader(String method) {
        return !"basebackup".equals(method) && ctx.pg.replicaMethodOptions().get(method) instanceof Map<?, ?> m
                && (ConfigValues.truthy(m.get("no_leader")) || ConfigValues.truthy(m.get("no_master")));
    }

    private void custom(String method, String dsn) throws PgException, InterruptedException {
        if (!(ctx.pg.replicaMethodOptions().get(method) instanceof Map<?, ?> section) || section.get("command") == null) {
            throw new PgException("create_replica_methods names " + method + " but postgresql." + method
                    + " has no command");
        }
        List<String> cmd = new ArrayList<>(Bootstrapper.splitCommand("postgresql." + method + ".command",
                String.valueOf(section.get("command"))));
        if (!ConfigValues.truthy(section.get("no_params"))) {
            cmd.addAll(List.of("--scope=" + ctx.scope, "--role=replica", "--datadir=" + ctx.paths.dataDir(),
                    "--connstring=" + dsn));
            section.forEach((k, v) -> {
                if (!CUSTOM_RESERVED.contains(String.valueOf(k))) {
                    cmd.add("--" + k + "=" + v);
                }
            });
        }
        boolean ours = ctx.dataDirState() == DataDirState.EMPTY;
        try {
            ctx.runner.runChecked(new Command(method, cmd, ctx.toolEnv(), null, false), PgContext.LONG_TOOL_TIMEOUT);
        } catch (PgException e) {
            cleanIfOurs(ours);
            throw e;
        }
    }

    /** Leftovers of a failed attempt go only when the directory was empty (or absent) before it. */
    private void cleanIfOurs(boolean wasEmpty) {
        if (!wasEmpty) {
            log.warn("not cleaning {}: it was not empty before this attempt", ctx.paths.dataDir());
            return;
        }
        try {
            DataDirCleaner.clearContents(ctx.paths.dataDir());
        } catch (IOException e) {
            log.error("cannot clean {} after a failed clone attempt: {}", ctx.paths.dataDir(), e.toString());
        }
    }
}
