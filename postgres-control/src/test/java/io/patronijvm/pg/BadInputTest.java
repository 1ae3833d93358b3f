package io.patronijvm.pg;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.testkit.FakeClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input gets a clear error naming the path or port, and nothing is deleted. Nodes 127.0.4.21-29.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private PgNodes nodes;

    @BeforeAll
    void setUp() throws Exception {
        PgNodes.assumePostgresCanRun();
        nodes = new PgNodes(Files.createTempDirectory("pgctl-bad"));
    }

    @AfterAll
    void tearDown() {
        if (nodes != null) {
            nodes.stopAll();
        }
    }

    @Test
    void nonEmptyNonPostgresDataDirectoryIsRefusedAndKept() throws Exception {
        LocalPostgres pg = nodes.node(21, BootstrapConfig.NONE);
        Path data = pg.paths().dataDir();
        Files.createDirectories(data);
        Files.writeString(data.resolve("notes.txt"), "precious");

        assertThat(pg.observe().dataDir()).isEqualTo(DataDirState.INVALID);
        assertThatThrownBy(() -> pg.bootstrap(PgNodes.timeout(30))).isInstanceOf(PgException.class)
                .hasMessageContaining(data.toString()).hasMessageContaining("not empty");
        assertThatThrownBy(() -> pg.cloneFrom(PgNodes.member(1))).isInstanceOf(PgException.class)
                .hasMessageContaining(data.toString());
        assertThatThrownBy(() -> pg.start(Upstream.NOBODY, false, PgNodes.timeout(10))).isInstanceOf(PgException.class)
                .hasMessageContaining(data.toString()).hasMessageContaining("not a PostgreSQL data directory");
        assertThat(data.resolve("notes.txt")).hasContent("precious");
    }

    @Test
    void wrongBinDirIsNamed() throws Exception {
        Path bogus = Path.of("/nonexistent/pg/bin");
        PostgresqlConfig cfg = nodes.config(22, bogus);
        LocalPostgres pg = nodes.node(cfg, BootstrapConfig.NONE, MonotonicClock.SYSTEM, io.patronijvm.core.time.Sleeper.SYSTEM);
        assertThatThrownBy(() -> pg.bootstrap(PgNodes.timeout(30))).isInstanceOf(PgException.class)
                .hasMessageContaining(bogus.toString()).hasMessageContaining("bin_dir");
        assertThat(pg.paths().dataDir()).doesNotExist();
    }

    @Test
    void forbiddenInitdbOptionIsRefusedBeforeAnythingIsCreated() {
        LocalPostgres pg = nodes.node(23, new BootstrapConfig(null, null, null, List.of(Map.of("pgdata", "/tmp/x")),
                null, null, null));
        assertThatThrownBy(() -> pg.bootstrap(PgNodes.timeout(30))).isInstanceOf(PgException.class)
                .hasMessageContaining("bootstrap.initdb").hasMessageContaining("pgdata");
        assertThat(pg.paths().dataDir()).doesNotExist();
    }

    @Test
    void portTakenAndBadPermissionsAreReportedAndTheDataDirectoryKept() throws Exception {
        LocalPostgres pg = nodes.node(24, BootstrapConfig.NONE);
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName(PgNodes.address(24)), 5432));
            assertThatThrownBy(() -> pg.bootstrap(PgNodes.timeout(60))).isInstanceOf(PgException.class)
                    .hasMessageContaining("port 5432").hasMessageContaining(PgNodes.address(24));
        }
        assertThat(pg.observe().dataDir()).as("initdb's result is kept").isEqualTo(DataDirState.VALID);

        Files.setPosixFilePermissions(pg.paths().dataDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> pg.start(Upstream.NOBODY, false, PgNodes.timeout(30))).isInstanceOf(PgException.class)
                .hasMessageContaining(pg.paths().dataDir().toString()).hasMessageContaining("permissions");
        assertThat(pg.observe().dataDir()).isEqualTo(DataDirState.VALID);
    }

    @Test
    void failedCloneCleansOnlyWhatItCreated() throws Exception {
        FakeClock clock = new FakeClock();
        PostgresqlConfig cfg = nodes.config(25, null);
        LocalPostgres pg = nodes.node(cfg, BootstrapConfig.NONE, clock, clock);
        Files.createDirectories(pg.paths().dataDir());
        long before = clock.nanoTime();
        assertThatThrownBy(() -> pg.cloneFrom(PgNodes.unreachableMember("127.0.4.99"))).isInstanceOf(PgException.class)
                .hasMessageContaining("ghost").hasMessageContaining(pg.paths().dataDir().toString());
        assertThat(clock.nanoTime() - before).as("two attempts, 5 s apart (R17)").isGreaterThanOrEqualTo(5_000_000_000L);
        assertThat(pg.paths().dataDir()).as("the operator's empty directory stays").isDirectory().isEmptyDirectory();
    }

    @Test
    void cancelledBootstrapMovesTheDataDirectoryAsideInsteadOfDeletingIt_R16() throws Exception {
        LocalPostgres pg = nodes.node(26, BootstrapConfig.NONE);
        pg.bootstrap(PgNodes.timeout(60));
        String sysid = pg.observe().sysid();
        String aside = pg.cancelBootstrap();
        assertThat(aside).startsWith(pg.paths().dataDir() + "_");
        assertThat(pg.paths().dataDir()).doesNotExist();
        assertThat(Path.of(aside).resolve("PG_VERSION")).exists();
        assertThat(pg.observe().dataDir()).isEqualTo(DataDirState.EMPTY);
        assertThat(sysid).matches("\\d{10,}");
    }
}
