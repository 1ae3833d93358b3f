package io.patronijvm.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line itself: configuration errors and usage, each a one-line message and a non-zero exit. */
class CtlCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Ctl.run(args, env, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Run r = run(Map.of(), "-c", "/nonexistent/patroni.yml", "list");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: Provided config file /nonexistent/patroni.yml does not exist");
    }

    @Test
    void aDcsUrlForAnotherStoreIsRefusedByName() {
        Run r = run(Map.of(), "--dcs-url", "zookeeper://127.0.0.1:2181", "list", "demo");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("names zookeeper, but patroni-jvm speaks only consul (consul://host:8500) and"
                + " etcd v3");
    }

    @Test
    void listWithoutClusterNameOrScopeWarnsAsPatronictlDoes(@TempDir Path home) {
        Run r = run(Map.of("HOME", home.toString()), "list");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains(" - WARNING - Listing members: No cluster names were provided");
    }

    @Test
    void anUnknownFormatIsAnError(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("ctl.yml");
        Files.writeString(yml, "scope: demo\nconsul:\n  host: 127.0.0.1:1\n");
        Run r = run(Map.of(), "-c", yml.toString(), "list", "-f", "xml");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("unknown output format 'xml'");
    }

    @Test
    void versionAndHelpListEveryCommand() {
        assertThat(run(Map.of(), "version").out()).isEqualTo("patronictl version 3.0.2\n");
        Run help = run(Map.of(), "--help");
        for (String c : new String[] {"list", "topology", "switchover", "failover", "restart", "reinit", "reload",
            "pause", "resume", "edit-config", "show-config", "history", "flush", "dsn", "remove", "version",
            "generate-completion"}) {
            assertThat(help.out()).contains("  " + c + " ");
        }
        assertThat(run(Map.of(), "nosuchcommand").code()).isEqualTo(2);
    }
}
