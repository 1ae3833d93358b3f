package io.patronijvm.agent.it;

import io.patronijvm.pg.OsUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent as the operator runs it: {@code java -jar agent.jar patroni.yml} in its own process
 * (the shaded jar when it was built, else the test classpath with the same main class).
 */
class AgentProcessTest {

    @TempDir
    Path tmp;

    private static final String VALID = """
            scope: wire-proc
            name: lonely
            restapi:
              listen: 127.0.5.21:8008
            consul:
              host: 127.0.5.99:8500
            bootstrap:
              dcs:
                ttl: 10
                loop_wait: 1
                retry_timeout: 3
            postgresql:
              listen: 127.0.5.21:5432
              data_dir: %s
              authentication:
                superuser:
                  username: postgres
                replication:
                  username: replicator
            """;

    @Test
    void brokenConfigExitsOneNamingTheFile() throws Exception {
        Path file = tmp.resolve("broken.yml");
        Files.writeString(file, "scope: demo\nrestapi: [not, a, map]\n");
        Process p = agent(file).start();
        assertThat(p.waitFor(ItNodes.timeout(30).toSeconds(), TimeUnit.SECONDS)).as("agent exits").isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code; stderr:%n%s", err).isEqualTo(1);
        assertThat(err).contains(file.toString()).contains("invalid").contains("name");
    }

    /**
     * As root (by hand), directly; otherwise (CI runs the tests as postgres) inside a user
     * namespace where the agent's uid is 0, which is what its check reads (/proc/self).
     */
    @Test
    void refusesToRunAsRoot() throws Exception {
        boolean viaNamespace = !OsUser.isRoot();
        assumeTrue(!viaNamespace || userNamespacesWork(),
                "not root, and no user namespace to become root in (unshare --user --map-root-user)");
        Path file = tmp.resolve("patroni.yml");
        Files.writeString(file, VALID.formatted(tmp.resolve("data")));
        ProcessBuilder pb = agent(file).redirectErrorStream(true);
        if (viaNamespace) {
            List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user"));
            cmd.addAll(pb.command());
            pb.command(cmd);
        }
        Process p = pb.start();
        assertThat(p.waitFor(ItNodes.timeout(30).toSeconds(), TimeUnit.SECONDS)).as("agent exits").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code; output:%n%s", out).isEqualTo(1);
        assertThat(out).contains("refusing to run as root").doesNotContain("Exception");
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    /** T6: without Consul the agent waits and says so; SIGTERM then ends it with 0. */
    @Test
    void waitsOnConsulAndExitsZeroOnSigterm() throws Exception {
        assumeFalse(OsUser.isRoot(), "the agent refuses root before it looks for consul");
        Path file = tmp.resolve("patroni.yml");
        Files.writeString(file, VALID.formatted(tmp.resolve("data")));
        Path log = tmp.resolve("agent.log");
        Path err = tmp.resolve("agent.err");
        Process p = agent(file).redirectError(err.toFile()).redirectOutput(log.toFile()).start();
        try {
            await("waiting on consul is logged").atMost(ItNodes.timeout(30))
                    .untilAsserted(() -> assertThat(Files.readString(log)).contains("waiting on consul"));
            // the agent's own line, on standard output (ConsoleLogConfigurator's queued console)
            assertThat(Files.readString(log)).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} "
                    + "(INFO |WARN ) \\[[^]]+\\] \\[(lonely|-)#-\\] \\w+: waiting on consul at http://127.0.5.99:8500");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(ItNodes.timeout(15).toSeconds(), TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(p.exitValue()).as("exit code; log:%n%s", Files.readString(log)).isZero();
            assertThat(Files.readString(err)).as("nothing on standard error (SLF4J, java.util.logging)").isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    /** T6 bounded: a Consul that never answers ends the start with 1 and one ERROR naming the address. */
    @Test
    void unreachableConsulExitsOneNamingTheAddressAfterTheStartupBound() throws Exception {
        assumeFalse(OsUser.isRoot(), "the agent refuses root before it looks for consul");
        Path file = tmp.resolve("patroni.yml");
        Files.writeString(file, VALID.formatted(tmp.resolve("data")));
        ProcessBuilder pb = agent(file).redirectErrorStream(true);
        // Longer than one attempt (retry_timeout 3 s), so the agent retries once and says so first.
        pb.environment().put("PATRONI_JVM_DCS_STARTUP_TIMEOUT", "4");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(ItNodes.timeout(30).toSeconds(), TimeUnit.SECONDS)).as("agent gives up").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("exit code; output:%n%s", out).isEqualTo(1);
            assertThat(out).contains("waiting on consul at http://127.0.5.99:8500")
                    .contains("cannot reach consul at http://127.0.5.99:8500").doesNotContain("\tat "); // no stack trace
            assertThat(tmp.resolve("data")).doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    /** A start-up bound that is not a number is refused naming the variable. */
    @Test
    void badStartupBoundIsRefusedNamingTheVariable() throws Exception {
        assumeFalse(OsUser.isRoot(), "the agent refuses root before it reads the bound");
        Path file = tmp.resolve("patroni.yml");
        Files.writeString(file, VALID.formatted(tmp.resolve("data")));
        ProcessBuilder pb = agent(file).redirectErrorStream(true);
        pb.environment().put("PATRONI_JVM_DCS_STARTUP_TIMEOUT", "soon");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(ItNodes.timeout(30).toSeconds(), TimeUnit.SECONDS)).as("agent exits").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("exit code; output:%n%s", out).isEqualTo(1);
            assertThat(out).contains("PATRONI_JVM_DCS_STARTUP_TIMEOUT").contains("'soon'");
        } finally {
            p.destroyForcibly();
        }
    }

    /** The shaded jar, unless a later compile made it stale (then the classes are what we test). */
    private static boolean isFresh(Path jar) throws IOException {
        Path main = Path.of("target", "classes", "io", "patronijvm", "agent", "Main.class");
        return Files.isRegularFile(jar) && (!Files.exists(main)
                || Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(main)) >= 0);
    }

    private static boolean userNamespacesWork() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("unshare", "--user", "--map-root-user", "id", "-u").redirectErrorStream(true)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()
                    .equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    private static ProcessBuilder agent(Path config) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path jar = Path.of("target", "agent.jar").toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        if (isFresh(jar)) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.patronijvm.agent.Main"));
        }
        cmd.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("PATRONI_") && !k.startsWith("PATRONI_JVM_"));
        return pb;
    }
}
