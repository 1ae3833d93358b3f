package io.patronijvm.pg;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.Credentials;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test nodes on loopback: node {@code i} listens on 127.0.4.{@code i}:5432 with its own directory
 * and socket folder. Every control object made here is stopped (immediate) by {@link #stopAll}.
 */
final class PgNodes {

    static final String SCOPE = "pgctl-test";
    static final Credentials SUPERUSER = new Credentials("postgres", "su-secret", null);
    static final Credentials REPLICATION = new Credentials("replicator", "rep-secret", null);
    static final Credentials REWIND = new Credentials("rewinder", "rw-secret", null);
    static final List<String> HBA = List.of(
            "local all all trust",
            "host all all 127.0.0.0/8 scram-sha-256",
            "host replication all 127.0.0.0/8 scram-sha-256");

    private final Path root;
    private final List<LocalPostgres> made = new ArrayList<>();

    PgNodes(Path root) {
        this.root = root;
    }

    /** Skips when PostgreSQL cannot run here: as root, or without binaries. */
    static void assumePostgresCanRun() {
        assumeFalse(OsUser.isRoot(), "PostgreSQL refuses to run as root: run these tests as the postgres user (scripts/test)");
        assumeTrue(System.getenv(PgBinaries.ENV_BIN) != null || PgBinaries.newestDebianBinDir().isPresent(),
                "no PostgreSQL binaries (set " + PgBinaries.ENV_BIN + ")");
    }

    static Duration timeout(int seconds) {
        double m = io.patronijvm.testkit.TimingMultiple.value();
        return Duration.ofMillis((long) (seconds * 1000 * m));
    }

    static String address(int i) {
        return "127.0.4." + i;
    }

    static DynamicConfig dynamic() {
        return dynamic(30);
    }

    static DynamicConfig dynamic(int maxConnections) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("max_connections", maxConnections);
        params.put("max_wal_senders", 6);
        params.put("wal_keep_segments", 4); // a pre-13 name: PostgreSQL 13+ gets wal_keep_size = 4 x 16MB
        params.put("wal_level", "logical"); // permanent logical slots (R57)
        return new DynamicConfig(30, 10, 10, 1_048_576L, -1L, 0, 300, 0, false, false, 1, false, false, false,
                true, true, params, List.of(), Map.of(), List.of(), null, Map.of());
    }

    Path dir(int i) {
        return root.resolve("node" + i);
    }

    PostgresqlConfig config(int i, Path binDir) {
        return config(i, binDir, Map.of("basebackup", List.of(Map.of("checkpoint", "fast"))));
    }

    PostgresqlConfig config(int i, Path binDir, Map<String, Object> replicaMethodOptions) {
        return config(i, binDir, replicaMethodOptions, SUPERUSER, Map.of());
    }

    /** A node with its own superuser credentials and extra local GUCs (archiving, for restores). */
    PostgresqlConfig config(int i, Path binDir, Map<String, Object> replicaMethodOptions, Credentials superuser,
                            Map<String, Object> extraParams) {
        Path sock = dir(i).resolve("sock");
        try {
            Files.createDirectories(sock);
            Files.setPosixFilePermissions(dir(i), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("unix_socket_directories", sock.toString());
        params.put("shared_buffers", "16MB");
        params.put("fsync", "off");
        params.put("max_connections", 500); // cmdline GUC: ignored locally with a warning
        params.putAll(extraParams);
        return new PostgresqlConfig(address(i), 5432, address(i) + ":5432", null, dir(i).resolve("data"), null, binDir,
                null, null, sock.toString(), false, false, superuser, REPLICATION, REWIND, params, HBA, null, null,
                null, replicaMethodOptions, null, null, Duration.ofSeconds(60), true, null, false, false, null);
    }

    LocalPostgres node(int i, BootstrapConfig bootstrap) {
        return node(config(i, null), bootstrap, MonotonicClock.SYSTEM, Sleeper.SYSTEM);
    }

    LocalPostgres node(PostgresqlConfig cfg, BootstrapConfig bootstrap, MonotonicClock clock, Sleeper sleeper) {
        return node(cfg, bootstrap, dynamic(), clock, sleeper);
    }

    LocalPostgres node(PostgresqlConfig cfg, BootstrapConfig bootstrap, DynamicConfig dynamic) {
        return node(cfg, bootstrap, dynamic, MonotonicClock.SYSTEM, Sleeper.SYSTEM);
    }

    private LocalPostgres node(PostgresqlConfig cfg, BootstrapConfig bootstrap, DynamicConfig dynamic,
                               MonotonicClock clock, Sleeper sleeper) {
        String name = "node" + cfg.listenAddresses().substring(cfg.listenAddresses().lastIndexOf('.') + 1);
        LocalPostgres pg = new LocalPostgres(cfg, bootstrap, SCOPE, name, dynamic, clock, sleeper);
        synchronized (made) {
            made.add(pg);
        }
        return pg;
    }

    static Member member(int i) {
        return new Member("node" + i, null, 0, "postgres://" + address(i) + ":5432/postgres", null, "running",
                Role.PRIMARY, "3.3.1", null, null, null, null, false, false, null, null);
    }

    static Member unreachableMember(String host) {
        return new Member("ghost", null, 0, "postgres://" + host + ":5432/postgres", null, "running",
                Role.PRIMARY, "3.3.1", null, null, null, null, false, false, null, null);
    }

    /** Immediate stop of every postmaster any control object of this test class saw. */
    void stopAll() {
        List<LocalPostgres> all;
        synchronized (made) {
            all = List.copyOf(made);
        }
        for (LocalPostgres pg : all) {
            try {
                pg.stop(StopMode.IMMEDIATE, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pg.close();
            }
        }
        deleteTree(root);
    }

    /** Test directories only: everything under the temporary root this class created. */
    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left for the OS to clean /tmp; not worth failing a test over.
        }
    }
}
