package io.patronijvm.pg.conf;

import io.patronijvm.core.config.Credentials;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.pg.PgPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec 4.5: what goes on the command line, into postgresql.conf and next to it. */
class ConfigFilesTest {

    @TempDir
    Path tmp;

    private PostgresqlConfig config(Map<String, Object> localParams) {
        return new PostgresqlConfig("127.0.4.9", 5432, "127.0.4.9:5432", null, tmp.resolve("data"), null, null, null,
                tmp.resolve("pgpass"), null, false, false, new Credentials("postgres", "s:p", null),
                new Credentials("replicator", "r'p", Map.of("sslmode", "require")), null, localParams,
                List.of("host all all 127.0.0.1/32 trust"), null, null, null, null,
                Map.of("restore_command", "cp /arch/%f %p"), null, Duration.ofSeconds(60), null, null, false, false, null);
    }

    private static DynamicConfig dynamic(Map<String, Object> params) {
        return new DynamicConfig(30, 10, 10, 0, -1, 0, 300, 0, false, false, 1, false, false, false, true, true,
                params, List.of(), Map.of(), List.of(), null, Map.of());
    }

    @Test
    void cmdlineGucsGetPatroniDefaultsAndMinimums() {
        Map<String, Object> dyn = new LinkedHashMap<>();
        dyn.put("max_connections", 10);         // below the minimum 25 -> default
        dyn.put("max_wal_senders", 7);
        dyn.put("wal_level", "hot_standby");
        dyn.put("hot_standby", "off");
        dyn.put("work_mem", "8MB");
        Gucs g = Gucs.compute(dynamic(dyn), config(Map.of("work_mem", "16MB", "max_wal_senders", 20)), "demo", null, null);
        assertThat(g.cmdline()).containsEntry("max_connections", "100").containsEntry("max_wal_senders", "7")
                .containsEntry("wal_level", "replica").containsEntry("hot_standby", "on")
                .containsEntry("max_replication_slots", "10").containsEntry("max_worker_processes", "8")
                .containsEntry("max_locks_per_transaction", "64").containsEntry("max_prepared_transactions", "0")
                .containsEntry("wal_log_hints", "on").containsEntry("wal_keep_size", "128MB")
                .containsEntry("track_commit_timestamp", "off").containsEntry("cluster_name", "demo")
                .containsEntry("listen_addresses", "127.0.4.9").containsEntry("port", "5432");
        assertThat(g.file()).as("local parameters override dynamic ones").containsEntry("work_mem", "16MB")
                .doesNotContainKeys("max_wal_senders", "max_connections");
        assertThat(g.warnings()).anyMatch(w -> w.contains("max_connections"))
                .anyMatch(w -> w.contains("postgresql.parameters.max_wal_senders"));
    }

    /** A reload before the data directory's parent existed and one after name the same instance. */
    @Test
    void pathsOfTheSameConfigNameTheSameInstanceWhetherOrNotTheParentExists() throws Exception {
        PostgresqlConfig cfg = new PostgresqlConfig("127.0.4.9", 5432, "127.0.4.9:5432", null,
                tmp.resolve("later/data"), null, null, null, tmp.resolve("pgpass"), null, false, false,
                new Credentials("postgres", "s", null), new Credentials("replicator", "r", null), null, Map.of(),
                List.of(), null, null, null, null, Map.of(), null, Duration.ofSeconds(60), null, null, false, false, null);
        PgPaths before = PgPaths.of(cfg);
        Files.createDirectories(tmp.resolve("later"));
        PgPaths after = PgPaths.of(cfg);
        assertThat(after.postmasterLog()).as("the log moves next to the data directory").isNotEqualTo(before.postmasterLog());
        assertThat(after.sameInstance(before)).isTrue();
        assertThat(PgPaths.of(config(Map.of())).sameInstance(before)).isFalse();
    }

    /** Patroni converts wal_keep_segments and wal_keep_size into each other by major version, 16 MB a segment. */
    @ParameterizedTest(name = "PG {0}: segments={1} size={2} -> {3}={4}")
    @CsvSource(nullValues = "-", value = {
            "15, 100, -,     wal_keep_size, 1600MB",
            "15, 100, 256MB, wal_keep_size, 256MB",
            "15, -,   -,     wal_keep_size, 128MB",
            "15, 0,   -,     wal_keep_size, 128MB",
            "15, -,   8MB,   wal_keep_size, 128MB",
            "0,  4,   -,     wal_keep_size, 64MB",
            "12, -,   1GB,   wal_keep_segments, 64",
            "12, -,   100MB, wal_keep_segments, 6",
            "12, 32,  1GB,   wal_keep_segments, 32",
            "11, -,   -,     wal_keep_segments, 8"})
    void walKeepFollowsTheServerVersion(int major, String segments, String size, String name, String value) {
        Map<String, Object> dyn = new LinkedHashMap<>();
        if (segments != null) {
            dyn.put("wal_keep_segments", Integer.parseInt(segments));
        }
        if (size != null) {
            dyn.put("wal_keep_size", size);
        }
        Gucs g = Gucs.compute(dynamic(dyn), config(Map.of()), "demo", null, null, major);
        String other = name.equals("wal_keep_size") ? "wal_keep_segments" : "wal_keep_size";
        assertThat(g.cmdline()).containsEntry(name, value).doesNotContainKey(other);
        assertThat(g.file()).as("neither reaches postgresql.conf").doesNotContainKeys(name, other);
    }

    @Test
    void writesConfWithIncludeSortedGucsAndRecoveryBlock() throws Exception {
        PostgresqlConfig cfg = config(Map.of("work_mem", "4MB", "application_name", "it's"));
        PgPaths paths = PgPaths.of(cfg);
        Files.createDirectories(paths.dataDir());
        Files.writeString(paths.conf(), "# initdb's file\n");
        Files.writeString(paths.autoConf(), "work_mem = '1MB'\nprimary_conninfo = 'host=evil'\n");
        ConfigFiles files = new ConfigFiles(cfg, paths);
        Gucs g = Gucs.compute(dynamic(Map.of()), cfg, "demo", "node2", null);
        String dsn = files.dsn(cfg.replication(), "127.0.4.1", 5432, "node9");
        boolean changed = files.write(g, new ConfigFiles.Recovery(dsn, "node9", cfg.recoveryConf()), List.of());

        assertThat(changed).isTrue();
        assertThat(paths.baseConf()).hasContent("# initdb's file");
        String conf = Files.readString(paths.conf());
        assertThat(conf).contains("include 'postgresql.base.conf'")
                .contains("application_name = 'it''s'")
                .contains("synchronous_standby_names = 'node2'")
                .contains("hba_file = '" + paths.hba() + "'")
                .contains("primary_slot_name = 'node9'")
                .contains("recovery_target_timeline = 'latest'")
                .contains("restore_command = 'cp /arch/%f %p'")
                .doesNotContain("max_connections");
        assertThat(conf.indexOf("application_name")).isLessThan(conf.indexOf("work_mem"));
        assertThat(ConnInfo.parse(dsn)).containsEntry("user", "replicator").containsEntry("passfile", paths.pgpass().toString())
                .containsEntry("application_name", "node9").containsEntry("sslmode", "require")
                .containsEntry("gssencmode", "prefer").containsEntry("channel_binding", "prefer")
                .containsEntry("dbname", "postgres").doesNotContainKey("password");
        assertThat(paths.standbySignal()).exists();
        assertThat(paths.autoConf()).hasContent("work_mem = '1MB'");
        assertThat(paths.hba()).hasContent("host all all 127.0.0.1/32 trust");
        assertThat(Files.getPosixFilePermissions(paths.pgpass())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(paths.pgpass()).hasContent("*:*:*:replicator:r'p\n*:*:*:postgres:s\\:p");

        assertThat(files.write(g, new ConfigFiles.Recovery(dsn, "node9", cfg.recoveryConf()), List.of()))
                .as("unchanged content is not rewritten").isFalse();
        assertThat(files.write(g, null, List.of())).as("primary drops the recovery block").isTrue();
        assertThat(Files.readString(paths.conf())).doesNotContain("primary_conninfo");
        assertThat(paths.standbySignal()).doesNotExist();
    }
}
