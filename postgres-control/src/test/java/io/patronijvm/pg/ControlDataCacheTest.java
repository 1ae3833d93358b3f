package io.patronijvm.pg;

import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** pg_controldata runs again only when pg_control changed (a stand-in tool counts its runs). */
class ControlDataCacheTest {

    @TempDir
    Path root;

    private Path runs;
    private Path control;

    private Tools tools() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        runs = root.resolve("runs");
        Files.writeString(runs, "");
        script(bin.resolve("postgres"), "exit 0");
        script(bin.resolve("pg_controldata"), "echo run >> '" + runs + "'\n"
                + "echo 'Database system identifier:           7000000000000000001'\n"
                + "echo 'Database cluster state:               shut down'");
        PostgresqlConfig cfg = new PgNodes(root).config(1, bin);
        control = Files.createDirectories(cfg.dataDir().resolve("global")).resolve("pg_control");
        Files.write(control, new byte[8192]);
        Files.setLastModifiedTime(control, FileTime.from(Instant.now().minusSeconds(60)));
        return new Tools(new PgContext(cfg, null, PgNodes.SCOPE, "node1", MonotonicClock.SYSTEM, Sleeper.SYSTEM, null));
    }

    @Test
    void anUnchangedPgControlIsReadOnce() throws Exception {
        Tools tools = tools();
        // ctime is the file's creation just now: only a settled file is cached.
        assertThat(tools.controlData().sysid()).isEqualTo("7000000000000000001");
        assertThat(tools.controlData().sysid()).isEqualTo("7000000000000000001");
        assertThat(runs()).as("a pg_control changed less than %s ago is read every time", Tools.RACY).isEqualTo(2);
    }

    @Test
    void aSettledPgControlIsReadOnceUntilItChanges() throws Exception {
        Tools tools = tools();
        settle();
        tools.controlData();
        tools.controlData();
        tools.controlData();
        assertThat(runs()).isEqualTo(1);

        Files.write(control, new byte[8192]); // PostgreSQL rewrites it in place
        tools.controlData();
        assertThat(runs()).as("after a write").isEqualTo(2);

        settle();
        tools.controlData();
        tools.controlData();
        assertThat(runs()).as("settled again").isEqualTo(3);
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("---------"));
        tools.controlData();
        assertThat(runs()).as("after a chmod: an unreadable file must fail as pg_controldata fails").isEqualTo(4);
    }

    /** Until pg_control's last change is older than {@link Tools#RACY}. */
    private void settle() {
        Tools.FileStamp now = Tools.FileStamp.of(control);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                System.currentTimeMillis() - now.changedMillis() > Tools.RACY.toMillis() + 10);
    }

    private int runs() throws Exception {
        return Files.readAllLines(runs).size();
    }

    private static void script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }
}
