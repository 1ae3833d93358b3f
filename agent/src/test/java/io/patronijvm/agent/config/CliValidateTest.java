package io.patronijvm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.agent.Daemon;
import io.patronijvm.agent.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
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

    /** Valid for Patroni 3.0.2's validator too: non-loopback connect addresses, a rewind user, a DCS that answers. */
    private static String validFor(ServerSocket consul, int restPort, int pgPort) {
        return """
                scope: demo
                name: node1
                restapi:
                  listen: 127.0.0.1:%d
                  connect_address: 127.0.0.2:8008
                consul:
                  host: 127.0.0.1:%d
                postgresql:
                  listen: 127.0.0.1:%d
                  connect_address: 127.0.0.2:5432
                  data_dir: /nonexistent/patroni-jvm/node1
                  authentication:
                    superuser: {username: postgres}
                    replication: {username: replicator}
                    rewind: {username: rewinder}
                """.formatted(restPort, consul.getLocalPort(), pgPort);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void validConfigExitsZero() throws Exception {
        try (ServerSocket consul = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = Map.of(ConfigLoader.CONFIGURATION_VARIABLE, validFor(consul, freePort(), freePort()));
            int code = run(env, "--validate-config");
            assertThat(code).as(out()).isZero();
            assertThat(out()).contains("PATRONI_CONFIGURATION: configuration is valid").doesNotContain("ERROR");
            assertThat(started.get()).as("validation never starts the daemon").isNull();
        }
    }

    /** Patroni 3.3's --ignore-listen-port: validating the configuration of a node that is running. */
    @Test
    void aListenPortInUseIsAnErrorUnlessIgnored() throws Exception {
        try (ServerSocket consul = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             ServerSocket rest = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = Map.of(ConfigLoader.CONFIGURATION_VARIABLE,
                    validFor(consul, rest.getLocalPort(), freePort()));
            assertThat(run(env, "--validate-config")).isEqualTo(1);
            assertThat(out()).contains("ERROR: restapi.listen: port " + rest.getLocalPort() + " is already in use");
            out.reset();
            assertThat(run(env, "--validate-config", "--ignore-listen-port")).as(out()).isZero();
        }
    }

    /** Patroni's validator wants other nodes to be able to reach us, and the DCS to answer. */
    @Test
    void loopbackConnectAddressesAndAnUnreachableDcsAreErrors() {
        int code = run(Map.of(ConfigLoader.CONFIGURATION_VARIABLE, TestConfigs.MINIMAL), "--validate-config");
        assertThat(code).isEqualTo(1);
        assertThat(out()).contains("ERROR: consul.host: 127.0.0.1:8500 does not answer")
                .contains("ERROR: postgresql.authentication.rewind: is required")
                .contains("ERROR: restapi.connect_address: is required");
    }

    @Test
    void brokenConfigExitsOneWithOneLinePerProblem() {
        int code = run(Map.of(), "--validate-config", TestConfigs.broken("bad-users.yml").toString());
        assertThat(code).isEqualTo(1);
        assertThat(out().lines()).contains(
                "ERROR: bootstrap.users.admin: must be a map with password and options, found text 'secret'",
                "ERROR: bootstrap.users.app.password: is required");
        assertThat(out()).contains("configuration is invalid (").doesNotContain("Exception");
    }

    @Test
    void warningsArePrintedButTheExitCodeStaysZero() throws Exception {
        try (ServerSocket consul = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = Map.of(ConfigLoader.CONFIGURATION_VARIABLE,
                    validFor(consul, freePort(), freePort()) + "frobnicate: 1\n");
            int code = run(env, "--validate-config");
            assertThat(code).as(out()).isZero();
            assertThat(out().lines()).contains("WARNING: frobnicate: unknown key, ignored");
            assertThat(out()).contains("PATRONI_CONFIGURATION: configuration is valid (1 warning)");
        }
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
    void aDaemonThatThrowsExitsOneWithTheFailureNamed() {
        Daemon failing = cfg -> {
            throw new IllegalStateException("boom");
        };
        int code = new Cli(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> failing)
                .execute(TestConfigs.repoRoot().resolve("config/single-node.yml").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("unexpected failure").contains("boom");
    }

    @Test
    void onlyAStartWithoutOptionsSkipsTheOptionParser() {
        assertThat(Cli.isPlainStart()).isTrue();
        assertThat(Cli.isPlainStart("patroni.yml")).isTrue();
        assertThat(Cli.isPlainStart("--validate-config")).isFalse();
        assertThat(Cli.isPlainStart("-V")).isFalse();
        assertThat(Cli.isPlainStart("@args")).isFalse();
        assertThat(Cli.isPlainStart("a.yml", "b.yml")).isFalse();
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
