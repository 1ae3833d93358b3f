package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 scenario 10: our agent given bad input fails with a clear error and a non-zero exit
 * code, deletes nothing, and the running cluster does not notice. Extra agents run as node8
 * and node9 (127.0.11.8-9 with the default e2e.clusterNet), outside the cluster's three nodes.
 */
@OursOnly("Patroni waits for an unreachable Consul forever instead of exiting")
class BadInputE2eTest extends ClusterTestBase {

    @Override
    protected String clusterName() {
        return "bad-input";
    }

    /** How long our agent waits for an unreachable Consul before it exits (README, "Running the agent"). */
    private static final int DCS_STARTUP_TIMEOUT_SECONDS = 10;

    private Exec.Result runAgent(Path yml, Duration timeout) {
        List<String> cmd = new java.util.ArrayList<>(Arrays.asList(env.ourAgentCommand().split(" ")));
        cmd.add(yml.toString());
        Exec.Result r = Exec.run(cmd, Map.of("PATRONI_JVM_DCS_STARTUP_TIMEOUT", "" + DCS_STARTUP_TIMEOUT_SECONDS),
                timeout);
        report("bad input", "%s exited %d:%n%s", yml.getFileName(), r.exitCode(), tail(r.output()));
        return r;
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** node1's generated patroni.yml, rewritten for another node name, address and folder. */
    private Path configFor(String node, String consulHostPort) throws IOException {
        Path dir = cluster.dir().resolve(node);
        Files.createDirectories(dir.resolve("sock"));
        String yml = Files.readString(cluster.patroniYml("node1"))
                .replace("name: node1", "name: " + node)
                .replace(LocalCluster.host("node1") + ":", LocalCluster.host(node) + ":")
                .replace(cluster.nodeDir("node1").toString(), dir.toString())
                .replaceAll("host: 127\\.0\\." + LocalCluster.NET + "\\.\\d+:8500", "host: " + consulHostPort);
        Path out = dir.resolve("patroni.yml");
        Files.writeString(out, yml);
        return out;
    }

    private void assertClusterUnaffected(String primary) {
        awaitHealthy(timing.fewLoops());
        assertThat(view.singlePrimary()).contains(primary);
        assertThat(view.keys(1).keySet()).noneMatch(k -> k.equals("members/node8") || k.equals("members/node9"));
    }

    @Test
    @Order(1)
    void brokenYamlExitsNonZeroNamingTheFile() throws IOException {
        String primary = view.singlePrimary().orElseThrow();
        Path broken = cluster.dir().resolve("broken.yml");
        Files.writeString(broken, "scope: demo\nname: node9\nrestapi:\n  listen: [unclosed\n");
        Exec.Result r = runAgent(broken, Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.output()).isNotIn(0, 124);
        assertThat(r.output()).contains("broken.yml");
        assertClusterUnaffected(primary);
    }

    @Test
    @Order(2)
    void dataDirectoryOfAnotherClusterIsRefusedAndLeftIntact() throws IOException {
        String primary = view.singlePrimary().orElseThrow();
        Path yml = configFor("node9", LocalCluster.consulHost(1) + ":8500");
        Path data = cluster.dataDir("node9");
        Exec.run(List.of(pgBin().resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust"),
                Map.of(), Duration.ofSeconds(120)).orThrow();
        Set<String> before = listing(data);
        Exec.Result r = runAgent(yml, timing.failover().plusSeconds(60));
        assertThat(r.exitCode()).as(r.output()).isNotIn(0, 124);
        // Patroni's own wording is "system ID mismatch, node X belongs to a different cluster: A != B".
        assertThat(r.output().toLowerCase(java.util.Locale.ROOT)).containsAnyOf("system identifier", "sysid",
                "system id mismatch", "database_system_identifier", "another cluster", "different cluster");
        // Never delete a data directory the agent did not create.
        assertThat(listing(data)).containsAll(before.stream().filter(f -> !f.startsWith("pg_wal") && !f.startsWith("pg_stat"))
                .collect(Collectors.toSet()));
        assertThat(data.resolve("PG_VERSION")).isRegularFile();
        assertClusterUnaffected(primary);
    }

    @Test
    @Order(3)
    void unreachableConsulExitsNonZeroNamingTheAddress() throws IOException {
        String primary = view.singlePrimary().orElseThrow();
        String nowhere = LocalCluster.consulHost(9) + ":8500";
        Path yml = configFor("node8", nowhere);
        Exec.Result r = runAgent(yml, env.scaled(Duration.ofSeconds(DCS_STARTUP_TIMEOUT_SECONDS + 60)));
        assertThat(r.exitCode()).as(r.output()).isNotIn(0, 124);
        assertThat(r.output()).contains("cannot reach consul at http://" + nowhere);
        assertClusterUnaffected(primary);
    }

    private static Path pgBin() {
        String fromEnv = System.getenv("PATRONI_JVM_PG_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
            return dirs.map(d -> d.resolve("bin")).filter(d -> Files.isExecutable(d.resolve("initdb")))
                    .max((a, b) -> Integer.compare(major(a), major(b))).orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL under /usr/lib/postgresql", e);
        }
    }

    private static int major(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Set<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).collect(Collectors.toSet());
        }
    }
}
