package io.patronijvm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.agent.Daemon;
import io.patronijvm.agent.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The command line run in-process: exit codes and what the operator reads. */
class CliValidateTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicReference<LoadedConfig> started = new AtomicReference<>();

    private int run(Map<String, String> env, String... args) {
        Daemon daemon = cfg -> {
            started.set(cfg);
            return 0;
        };
        return new Cli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> daemon).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void validConfigExitsZero() {
        int code = run(Map.of(), "--validate-config", TestConfigs.repoRoot().resolve("config/member_1.yml").toString());
        assertThat(code).isZero();
        assertThat(out()).contains("member_1.yml: configuration is valid").doesNotContain("ERROR");
        assertThat(started.get()).as("validation never starts the daemon").isNull();
    }

    @Test
    void brokenConfigExitsOneWithOneLinePerProblem() {
        int code = run(Map.of(), "--validate-config", TestConfigs.broken("bad-users.yml").toString());
        assertThat(code).isEqualTo(1);
        assertThat(out().lines()).contains(
                "ERROR: bootstrap.users.admin: must be a map with password and options, found text 'secret'",
                "ERROR: bootstrap.users.app.password: is required");
        assertThat(out()).contains("configuration is invalid (2 errors)").doesNotContain("Exception");
    }

    @Test
    void warningsArePrintedButTheExitCodeStaysZero() {
        Map<String, String> env = Map.of(ConfigLoader.CONFIGURATION_VARIABLE, TestConfigs.MINIMAL + "frobnicate: 1\n");
        int code = run(env, "--validate-config");
        assertThat(code).isZero();
        assertThat(out().lines()).contains("WARNING: frobnicate: unknown key, ignored");
        assertThat(out()).contains("PATRONI_CONFIGURATION: configuration is valid (1 warning)");
    }

    @Test
    void theDaemonGetsTheSameMessagesForABrokenFileAndNoStackTrace() {
        int code = run(Map.of(), TestConfigs.broken("malformed.yml").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("ERROR: malformed YAML in").contains("line 6").doesNotContain("at org.");
        assertThat(started.get()).isNull();
    }

    @Test
    void aValidConfigStartsTheDaemon() {
        int code = run(Map.of(), TestConfigs.repoRoot().resolve("config/single-node.yml").toString());
        assertThat(code).isZero();
        assertThat(started.get().config().name()).isEqualTo("node1");
    }

    @Test
    void versionNamesTheProtocolLevel() {
        int code = run(Map.of(), "--version");
        assertThat(code).isZero();
        assertThat(out()).startsWith("patroni-jvm ").contains("(Patroni protocol 3.3.1)");
    }

    @Test
    void helpListsTheOptions() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).contains("--validate-config").contains("CONFIG");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run(Map.of(), "--frobnicate")).isEqualTo(2);
        assertThat(err()).contains("--frobnicate");
    }
}
