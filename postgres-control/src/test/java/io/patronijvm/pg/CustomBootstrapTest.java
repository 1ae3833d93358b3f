package io.patronijvm.pg;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.Credentials;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.pg.sql.PgConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R15/R16 with a custom {@code bootstrap.method}, as Patroni's "backup and restore into a new
 * cluster": a base backup of one real cluster is restored by a script into a new cluster whose
 * superuser has another password, recovers the later WAL from the archive through the method's
 * {@code recovery_conf}, promotes, and ends with our passwords, our pg_hba.conf and no recovery
 * settings left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomBootstrapTest {

    private static final Credentials OTHER_SUPERUSER = new Credentials("postgres", "restored-secret", null);

    private Path root;
    private PgNodes nodes;

    @BeforeAll
    void setUp() throws Exception {
        PgNodes.assumePostgresCanRun();
        root = Files.createTempDirectory("pgctl-custom");
        nodes = new PgNodes(root);
    }

    @AfterAll
    void tearDown() {
        if (nodes != null) {
            nodes.stopAll();
        }
    }

    @Test
    void restoresABackupWithArchiveRecoveryThenTakesOverPasswordsAndPgHba() throws Exception {
        Path archive = Files.createDirectories(root.resolve("archive"));
        Map<String, Object> archiving = Map.of("archive_mode", "on",
                "archive_command", "cp %p " + archive + "/%f");
        PostgresqlConfig sourceCfg = nodes.config(5, null, Map.of(), PgNodes.SUPERUSER, archiving);
        // a source with more connections than the new cluster: the restore must start with the source's
        // value from pg_controldata, or recovery aborts on "insufficient parameter settings" (R65)
        LocalPostgres source = nodes.node(sourceCfg, BootstrapConfig.NONE, PgNodes.dynamic(40));
        source.bootstrap(PgNodes.timeout(60));
        source.postBootstrap();
        execute(5, PgNodes.SUPERUSER, "CREATE TABLE foo (id int)");

        Path backup = root.resolve("base backup"); // a blank: the method's command must keep it one word
        run(List.of(pgBin("pg_basebackup"), "-D", backup.toString(), "-c", "fast", "-X", "none", "-h",
                PgNodes.address(5), "-p", "5432", "-U", "postgres"), Map.of("PGPASSWORD", "su-secret"));
        execute(5, PgNodes.SUPERUSER, "CREATE TABLE bar (id int)"); // only in the archive, after the backup
        String segment = query(5, PgNodes.SUPERUSER, "SELECT pg_walfile_name(pg_switch_wal())");
        await().atMost(PgNodes.timeout(30)).until(() -> Files.exists(archive.resolve(segment)));

        Path script = root.resolve("restore.sh");
        Files.writeString(script, """
                #!/bin/sh
                for a in "$@"; do
                  case "$a" in
                    --datadir=*) d="${a#--datadir=}" ;;
                    --sourcedir=*) s="${a#--sourcedir=}" ;;
                    --scope=*) echo "${a#--scope=}" > "$s/../scope.out" ;;
                  esac
                done
                cp -a "$s" "$d"
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Map<String, Object> recovery = new LinkedHashMap<>();
        recovery.put("restore_command", "cp " + archive + "/%f %p");
        recovery.put("recovery_target_action", "promote");
        recovery.put("recovery_target_timeline", "latest");
        Map<String, Object> method = Map.of("command", "/bin/sh " + script + " --sourcedir=\"" + backup + "\"",
                "recovery_conf", recovery);
        BootstrapConfig restore = new BootstrapConfig(null, "backup_restore", Map.of("backup_restore", method),
                null, null, null, null);
        LocalPostgres target = nodes.node(nodes.config(6, null, Map.of(), OTHER_SUPERUSER, Map.of()), restore,
                MonotonicClock.SYSTEM, Sleeper.SYSTEM);

        target.bootstrap(PgNodes.timeout(60));
        target.postBootstrap();

        LocalPgState s = target.observe();
        assertThat(s.isPrimary()).as("%s", s).isTrue();
        assertThat(s.timeline()).as("promoted at the end of the archive").isEqualTo(2);
        assertThat(Files.readString(root.resolve("scope.out")).trim()).isEqualTo(PgNodes.SCOPE);
        assertThat(query(6, OTHER_SUPERUSER, "SELECT count(*) FROM pg_tables WHERE tablename IN ('foo','bar')"))
                .as("bar came from the archive; the new superuser password works").isEqualTo("2");
        Path data = target.paths().dataDir();
        assertThat(data.resolve("recovery.signal")).doesNotExist();
        assertThat(data.resolve("standby.signal")).doesNotExist();
        assertThat(Files.readString(target.paths().conf())).doesNotContain("restore_command");
        assertThat(Files.readAllLines(target.paths().hba())).isEqualTo(PgNodes.HBA);
        assertThat(query(6, OTHER_SUPERUSER, "SELECT current_setting('max_connections') || ' '"
                + " || current_setting('hot_standby')")).as("restarted with our own settings after the restore")
                .isEqualTo("30 on");

        // R18: a node of the old cluster restored from the same backup with a no_leader method (no leader
        // to stream from): started as a replica following nobody, fed by restore_command from the archive
        PostgresqlConfig b = nodes.config(7, null);
        Map<String, Object> noLeader = Map.of("command", "/bin/sh " + script + " --sourcedir=\"" + backup + "\"",
                "no_leader", "1");
        PostgresqlConfig cfg7 = new PostgresqlConfig(b.listenAddresses(), b.port(), b.connectAddress(),
                b.proxyAddress(), b.dataDir(), b.configDir(), b.binDir(), b.binNames(), b.pgpass(), b.unixSocketDir(),
                b.useUnixSocket(), b.useUnixSocketRepl(), b.superuser(), b.replication(), b.rewind(), b.parameters(),
                b.pgHba(), b.pgIdent(), b.callbacks(), List.of("basebackup", "no_leader_bootstrap"),
                Map.of("no_leader_bootstrap", noLeader), Map.of("restore_command", "cp " + archive + "/%f %p"),
                b.customConf(), b.pgCtlTimeout(), b.usePgRewind(), b.rewindOptions(), false, false,
                b.configBaseName());
        LocalPostgres restored = nodes.node(cfg7, BootstrapConfig.NONE, MonotonicClock.SYSTEM, Sleeper.SYSTEM);
        restored.cloneFrom(null);
        restored.start(io.patronijvm.core.pg.Upstream.NOBODY, true, PgNodes.timeout(60));
        await().atMost(PgNodes.timeout(30)).untilAsserted(() -> assertThat(query(7, PgNodes.SUPERUSER,
                "SELECT pg_is_in_recovery()::text || ' ' || count(*) FROM pg_tables WHERE tablename = 'bar'"))
                .as("a replica that replayed bar from the archive").isEqualTo("true 1"));
    }

    private static String pgBin(String tool) {
        String env = System.getenv(PgBinaries.ENV_BIN);
        Path dir = env != null ? Path.of(env) : PgBinaries.newestDebianBinDir().orElseThrow();
        return dir.resolve(tool).toString();
    }

    private static void run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s timed out", cmd).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
    }

    private static String query(int i, Credentials who, String sql) throws Exception {
        try (Connection c = PgConnector.connect(PgNodes.address(i), 5432, who, Duration.ofSeconds(30));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(int i, Credentials who, String sql) throws Exception {
        try (Connection c = PgConnector.connect(PgNodes.address(i), 5432, who, Duration.ofSeconds(30));
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
