package io.patronijvm.pg;

import io.patronijvm.core.config.Credentials;
import io.patronijvm.core.config.ShellWords;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.pg.conf.ConfigFiles;
import io.patronijvm.pg.conf.ConnInfo;
import io.patronijvm.pg.conf.ToolOptions;
import io.patronijvm.pg.process.ProcessRunner.Command;
import io.patronijvm.pg.sql.PgConnector;
import io.patronijvm.pg.sql.Roles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** R15/R16: initdb (or a custom bootstrap method), then the users and post_bootstrap script. */
final class Bootstrapper {

    private static final Logger log = LoggerFactory.getLogger(Bootstrapper.class);
    private static final Duration SQL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_RETRY_PAUSE = Duration.ofSeconds(1);

    private final PgContext ctx;
    private final ConfigFiles files;

    Bootstrapper(PgContext ctx, ConfigFiles files) {
        this.ctx = ctx;
        this.files = files;
    }

    /** Runs initdb (or the custom method) into an empty data directory; nothing is deleted on failure. */
    void initdb() throws PgException, InterruptedException {
        OsUser.refuseRoot();
        Path data = ctx.paths.dataDir();
        DataDirState state = ctx.dataDirState();
        if (state != DataDirState.EMPTY) {
            throw new PgException("data directory " + data + " is not empty (" + PgContext.sample(data)
                    + "); refusing to bootstrap into it");
        }
        if (!"initdb".equals(ctx.bootstrap.method())) {
            runCustomMethod(ctx.bootstrap.method());
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(ctx.bin().get("initdb"), "-D", data.toString()));
        cmd.addAll(ToolOptions.render("bootstrap.initdb", ctx.bootstrap.initdb(), ToolOptions.INITDB_FORBIDDEN));
        Credentials su = ctx.pg.superuser();
        cmd.add("--username=" + su.username());
        Path pwfile = null;
        try {
            if (su.password() != null) {
                pwfile = Files.createTempFile("patroni-jvm-pwfile", "",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(pwfile, su.password() + "\n");
                cmd.add("--pwfile=" + pwfile);
            }
            ctx.runner.runChecked(new Command("initdb", cmd, ctx.toolEnv(), null, false), PgContext.LONG_TOOL_TIMEOUT);
        } catch (IOException e) {
            throw new PgException("cannot write the temporary password file for initdb: " + e.getMessage(), e);
        } finally {
            deleteQuietly(pwfile);
        }
        moveHbaIdentToConfigDir();
        appendBootstrapHba();
    }

    /** Whether {@code bootstrap.method} names a custom method section (R15); anything else runs initdb. */
    boolean custom() {
        String m = ctx.bootstrap.method();
        return !"initdb".equals(m) && ctx.bootstrap.methods().get(m) != null
                && ctx.bootstrap.methods().get(m).get("command") != null;
    }

    /**
     * The recovery settings of the custom bootstrap: the method's {@code recovery_conf} with
     * {@code recovery.signal}, else the backup's own with {@code keep_existing_recovery_conf},
     * else none (Patroni removes the recovery configuration).
     */
    io.patronijvm.pg.conf.ConfigFiles.Recovery customRecovery() {
        Map<String, Object> rc = customRecoveryConf();
        if (rc != null) {
            return io.patronijvm.pg.conf.ConfigFiles.Recovery.archive(rc);
        }
        return keepExistingRecoveryConf() ? io.patronijvm.pg.conf.ConfigFiles.Recovery.keepExisting() : null;
    }

    /**
     * Patroni's pg_hba.conf while a custom bootstrap runs: trust for the replication user and the
     * superuser over the local socket and from the addresses we connect from, because the restored
     * cluster's passwords are not ours until post_bootstrap sets them.
     */
    List<String> trustHba() {
        String repl = ctx.pg.replication() != null && ctx.pg.replication().username() != null
                ? ctx.pg.replication().username() : "all";
        String su = ctx.pg.superuser() != null && ctx.pg.superuser().username() != null
                ? ctx.pg.superuser().username() : "all";
        List<String> out = new ArrayList<>(List.of("local\treplication\t" + repl + "\t\ttrust",
                "local\tall\t" + su + "\t\ttrust"));
        try {
            java.util.Set<String> nets = new java.util.LinkedHashSet<>();
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(ctx.localHost())) {
                nets.add(a.getHostAddress() + (a instanceof java.net.Inet6Address ? "/128" : "/32"));
                if (a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                    nets.add("127.0.0.1/32"); // the kernel's source address for any 127.x destination
                }
            }
            for (String net : nets) {
                out.add("host\treplication\t" + repl + "\t" + net + "\ttrust");
                out.add("host\tall\t" + su + "\t" + net + "\ttrust");
            }
        } catch (java.net.UnknownHostException e) {
            log.warn("cannot resolve {} for the bootstrap pg_hba.conf: {}; local socket only", ctx.localHost(),
                    e.getMessage());
        }
        return out;
    }

    /**
     * Patroni turns hot_standby off while a restore runs that ends in a promotion (or one whose
     * recovery settings the backup tool wrote): such a recovery would otherwise stop on settings
     * that are higher on the source than here.
     */
    boolean disableHotStandby() {
        if (keepExistingRecoveryConf()) {
            return true;
        }
        Map<String, Object> rc = customRecoveryConf();
        if (rc == null) {
            return false;
        }
        Object pause = rc.get("pause_at_recovery_target");
        boolean pauseFalse = pause != null && List.of("false", "off", "no", "0").contains(pause.toString().toLowerCase());
        Object action = rc.getOrDefault("recovery_target_action", pauseFalse ? "promote" : "pause");
        return "promote".equals(String.valueOf(action));
    }

    /** The custom method's {@code recovery_conf}, or null. */
    Map<String, Object> customRecoveryConf() {
        Object rc = ctx.bootstrap.methods().get(ctx.bootstrap.method()).get("recovery_conf");
        if (rc instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        return null;
    }

    /** {@code keep_existing_recovery_conf}: the restored backup's own recovery settings stay. */
    boolean keepExistingRecoveryConf() {
        return io.patronijvm.core.config.ConfigValues.truthy(
                ctx.bootstrap.methods().get(ctx.bootstrap.method()).get("keep_existing_recovery_conf"));
    }

    /**
     * Patroni's {@code _custom_bootstrap}: the command (split as a shell would) with
     * {@code --scope} and {@code --datadir} unless {@code no_params}, then Patroni's post-restore
     * step: a leftover promote trigger file is removed, or the restored server would promote.
     */
    private void runCustomMethod(String method) throws PgException, InterruptedException {
        Map<String, Object> section = ctx.bootstrap.methods().get(method);
        if (section == null || section.get("command") == null) {
            throw new PgException("bootstrap.method " + method + " has no section with a command");
        }
        List<String> cmd = new ArrayList<>(splitCommand("bootstrap." + method + ".command", String.valueOf(section.get("command"))));
        if (!io.patronijvm.core.config.ConfigValues.truthy(section.get("no_params"))) {
            cmd.add("--scope=" + ctx.scope);
            cmd.add("--datadir=" + ctx.paths.dataDir());
            section.forEach((k, v) -> {
                if (!List.of("command", "no_params", "keep_existing_recovery_conf", "recovery_conf").contains(k)) {
                    cmd.add("--" + k + "=" + v);
                }
            });
        }
        log.info("Running custom bootstrap script: {}", section.get("command"));
        ctx.runner.runChecked(new Command("bootstrap " + method, cmd, ctx.toolEnv(), null, false), PgContext.LONG_TOOL_TIMEOUT);
        if (ctx.dataDirState() != DataDirState.VALID) {
            throw new PgException("bootstrap method " + method + " left no PostgreSQL data directory in " + ctx.paths.dataDir());
        }
        try {
            Files.deleteIfExists(ctx.paths.dataDir().resolve("promote"));
        } catch (IOException e) {
            throw new PgException("cannot remove the promote trigger file from " + ctx.paths.dataDir() + ": "
                    + e.getMessage(), e);
        }
    }

    /** With a separate config_dir, initdb's pg_hba.conf / pg_ident.conf belong there. */
    private void moveHbaIdentToConfigDir() throws PgException {
        if (ctx.paths.configDir().equals(ctx.paths.dataDir())) {
            return;
        }
        try {
            Files.createDirectories(ctx.paths.configDir());
            for (String f : List.of("pg_hba.conf", "pg_ident.conf")) {
                Path target = ctx.paths.configDir().resolve(f);
                if (!Files.exists(target)) {
                    Files.copy(ctx.paths.dataDir().resolve(f), target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new PgException("cannot copy pg_hba.conf/pg_ident.conf to " + ctx.paths.configDir() + ": " + e.getMessage(), e);
        }
    }

    /** R15: bootstrap.pg_hba is appended unless pg_hba comes from config (which replaces the file). */
    private void appendBootstrapHba() throws PgException {
        if (!ctx.pg.pgHba().isEmpty() || !ctx.dyn().pgHba().isEmpty() || ctx.bootstrap.pgHba().isEmpty()) {
            return;
        }
        try {
            String text = "\n# bootstrap.pg_hba (patroni-jvm)\n" + String.join("\n", ctx.bootstrap.pgHba()) + "\n";
            Files.writeString(ctx.paths.hba(), text, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new PgException("cannot append bootstrap.pg_hba to " + ctx.paths.hba() + ": " + e.getMessage(), e);
        }
    }

    /** 57P03: the postmaster accepts connections but is still starting up (seen in CI once, under load). */
    private static final String CANNOT_CONNECT_NOW = "57P03";

    /**
     * The first connection to the new server, retried while it fails to connect (SQLState class
     * 08) for up to {@code within}: the server said it is ready, so such a failure is transient,
     * and on a loaded machine a cold JVM's first TLS handshake can outlast pgjdbc's login
     * timeout (the suite's TLS run at load 64 failed its bootstrap that way). Patroni's libpq
     * connection needs a fraction of that CPU.
     */
    private Connection connectWithin(Credentials su, Duration within) throws SQLException, InterruptedException {
        long deadline = ctx.clock.nanoTime() + within.toNanos();
        while (true) {
            try {
                return PgConnector.connect(ctx.localHost(), ctx.pg.port(), su, SQL_TIMEOUT);
            } catch (SQLException e) {
                String state = e.getSQLState();
                if (state == null || !(state.startsWith("08") || CANNOT_CONNECT_NOW.equals(state))
                        || ctx.clock.nanoTime() - deadline > 0) {
                    throw e;
                }
                log.warn("cannot connect to the new server yet ({}); retrying", e.getMessage());
                ctx.sleeper.sleep(CONNECT_RETRY_PAUSE);
            }
        }
    }

    /** R16: users, then the post_bootstrap script with a connection string and PGPASSFILE. */
    void postBootstrap() throws PgException, InterruptedException {
        Credentials su = ctx.pg.superuser();
        try (Connection c = connectWithin(su, SQL_TIMEOUT)) {
            Roles.createAll(c, su, ctx.pg.replication(), ctx.pg.rewind(), ctx.bootstrap.users());
        } catch (SQLException e) {
            throw new PgException("cannot connect to " + ctx.localHost() + ":" + ctx.pg.port() + " as "
                    + su.username() + " to create users: " + e.getMessage(), e);
        }
        String script = ctx.bootstrap.postBootstrap();
        if (script == null || script.isBlank()) {
            return;
        }
        try {
            files.writePgpass();
        } catch (IOException e) {
            throw new PgException("cannot write pgpass file " + ctx.paths.pgpass() + ": " + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>(splitCommand("post_bootstrap", script));
        cmd.add(localDsn(su));
        Map<String, String> env = new HashMap<>(ctx.toolEnv());
        env.put("PGOPTIONS", "-c synchronous_commit=local");
        ctx.runner.runChecked(new Command("post_bootstrap", cmd, env, null, false), PgContext.LONG_TOOL_TIMEOUT);
    }

    /** libpq keywords Patroni copies from the superuser's authentication into the local DSN, in its order. */
    private static final List<String> DSN_OPTIONS = List.of("sslmode", "sslcompression", "sslcert", "sslkey",
            "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "application_name", "krbsrvname", "gssencmode",
            "channel_binding", "target_session_attrs");

    /**
     * The local superuser connection string Patroni appends to post_bootstrap: key=value pairs with
     * dbname, user, host, port and the superuser's ssl/gss options; the password stays in PGPASSFILE.
     */
    String localDsn(Credentials su) {
        Map<String, String> dsn = new LinkedHashMap<>();
        dsn.put("dbname", "postgres");
        dsn.put("user", su.username());
        dsn.put("host", ctx.localHost());
        dsn.put("port", Integer.toString(ctx.pg.port()));
        for (String k : DSN_OPTIONS) {
            dsn.put(k, su.options().get(k));
        }
        return ConnInfo.format(dsn);
    }

    static List<String> splitCommand(String what, String command) throws PgException {
        try {
            List<String> words = ShellWords.split(command);
            if (words.isEmpty()) {
                throw new PgException(what + " command is empty");
            }
            return words;
        } catch (IllegalArgumentException e) {
            throw new PgException(what + ": " + e.getMessage(), e);
        }
    }

    /** R16 cancel_initialization: the data directory is renamed aside, never deleted. */
    String moveAside() {
        Path data = ctx.paths.dataDir();
        if (!Files.exists(data)) {
            return null;
        }
        String stamp = LocalDateTime.ofInstant(ctx.clock.wallNow(), java.time.ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss"));
        Path target = data.resolveSibling(data.getFileName() + "_" + stamp);
        for (int i = 1; Files.exists(target); i++) {
            target = data.resolveSibling(data.getFileName() + "_" + stamp + "_" + i);
        }
        try {
            Files.move(data, target);
            log.warn("moved data directory of the failed bootstrap {} to {}", data, target);
            return target.toString();
        } catch (IOException e) {
            log.error("cannot move data directory {} aside to {}: {}; left in place", data, target, e.toString());
            return null;
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("cannot delete temporary password file {}: {}", p, e.toString());
            }
        }
    }
}
