package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 scenario 11, the migration path (decision 1): node1 and node2 run Debian's real
 * Patroni, node3 runs ours. Ours clones from and follows a Patroni primary, becomes primary by
 * switchover, fails over back to Patroni when killed, and finally replaces the Patroni nodes
 * one at a time under a write stream. With -De2e.agent=patroni every node is Patroni, which
 * checks the scenario itself.
 */
class MixedClusterE2eTest extends ClusterTestBase {

    private static final String OURS = "node3";

    @Override
    protected String clusterName() {
        return "mixed";
    }

    @Override
    protected Map<Integer, String> agentPerNode() {
        return Map.of(1, E2eEnv.PATRONI_BIN, 2, E2eEnv.PATRONI_BIN);
    }

    /** A planned switchover through the real patronictl, with OPTIONS /primary polled on every node. */
    private void switchover(String leader, String candidate) throws InterruptedException {
        try (PrimaryPoller poller = new PrimaryPoller(cluster.nodes())) {
            patronictlSwitchover(leader, candidate);
            await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary()).as(view::describe)
                    .contains(candidate));
            poller.assertNoOverlap("switchover " + leader + " -> " + candidate);
        }
        awaitHealthy(timing.rejoin());
    }

    private void patronictlSwitchover(String leader, String candidate) {
        Exec.Result r = Patronictl.run(cluster.patroniYml("node1"), timing.switchover(), "switchover",
                "--leader", leader, "--candidate", candidate, "--force");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    @Order(1)
    void oursClonesFromAPatroniPrimaryAndFollowsIt() throws Exception {
        awaitHealthy(timing.fewLoops());
        if (view.singlePrimary().orElseThrow().equals(OURS)) {
            switchover(OURS, "node1");
        }
        // Start ours from nothing, so it must clone (pg_basebackup) from the Patroni primary.
        cluster.kill(OURS);
        deleteTree(cluster.dataDir(OURS));
        cluster.start(OURS);
        awaitHealthy(timing.rejoin());
        assertThat(view.status(OURS).isRunningReplica()).isTrue();
        Pg.execute(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "CREATE TABLE IF NOT EXISTS e2e_mixed (id int PRIMARY KEY)");
        Pg.execute(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "INSERT INTO e2e_mixed VALUES (1) ON CONFLICT DO NOTHING");
        await(timing.fewLoops()).untilAsserted(() ->
                assertThat(Pg.scalar(LocalCluster.host(OURS), 5432, "SELECT count(*) FROM e2e_mixed")).isEqualTo("1"));
    }

    /** Issue 15: our ctl reads a cluster whose keys real Patroni wrote exactly as patronictl does. */
    @Test
    @Order(2)
    void ourCtlPrintsWhatPatronictlPrintsForKeysPatroniWrote() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(env.agentJar()), "no agent.jar built");
        sameAsPatronictl("list");
        sameAsPatronictl("list", "-e", "-f", "json");
        sameAsPatronictl("topology");
        sameAsPatronictl("history", "-f", "yaml");
    }

    @Test
    @Order(3)
    void switchoverMakesOursThePrimaryAndPatroniNodesFollow() throws Exception {
        String leader = view.singlePrimary().orElseThrow();
        // Under writes: no two healthy primaries, no acknowledged write lost, no pg_rewind (issue 12).
        switchoverUnderWrites("e2e_mixed_switchover", OURS, () -> patronictlSwitchover(leader, OURS));
        assertThat(view.leaderKey(1)).contains(OURS);
    }

    @Test
    @Order(4)
    void killingOurPrimaryMakesPatroniTakeOverAndOursRejoins() throws InterruptedException {
        String primary = view.singlePrimary().orElseThrow();
        assertThat(primary).isEqualTo(OURS);
        String promoted;
        try (PrimaryPoller poller = new PrimaryPoller(cluster.nodes())) {
            cluster.kill(OURS);
            promoted = awaitNewPrimary(OURS, timing.failover());
            poller.assertNoOverlap("failover from our dead primary to " + promoted);
        }
        assertThat(promoted).isIn("node1", "node2");
        cluster.start(OURS);
        awaitHealthy(timing.rejoin());
        assertThat(view.status(OURS).isRunningReplica()).isTrue();
    }

    @Test
    @Order(5)
    void patroniNodesAreReplacedOneAtATimeWithoutAnOutageLongerThanASwitchover() throws Exception {
        try (WriteStream stream = WriteStream.start(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "e2e_replace",
                Duration.ofMillis(50), Duration.ofMinutes(8))) {
            await(timing.fewLoops()).until(() -> stream.ackCount() >= 20);
            for (String node : List.of("node1", "node2")) {
                if (view.singlePrimary().orElseThrow().equals(node)) {
                    switchover(node, OURS);
                }
                long t0 = System.nanoTime();
                cluster.stop(node);
                cluster.start(node, env.ourAgentCommand());
                awaitHealthy(timing.rejoin());
                report("replace", "%s now runs %s, streaming again %.2f s after its Patroni was stopped", node,
                        env.agent(), seconds(System.nanoTime() - t0));
            }
            int before = stream.ackCount();
            await(timing.switchover()).until(() -> stream.ackCount() >= before + 20);
            report("replace", "longest write outage during the replacement: %.2f s (%d errors)",
                    seconds(stream.longestGap()), stream.errors().size());
            assertThat(stream.longestGap()).isLessThan(timing.switchover());
            assertAllPresent("e2e_replace", stream.acknowledgedIds());
        }
        for (String node : cluster.nodes()) {
            String recorded = Files.readString(cluster.nodeDir(node).resolve("agent_cmd")).strip();
            assertThat(recorded).as(node + " agent").isEqualTo(env.ourAgentCommand());
            if (env.agent() == E2eEnv.Agent.JVM) {
                // Decision 1: ours says what it is next to the Patroni protocol version.
                assertThat(view.status(node).raw().path("implementation").asText()).startsWith("patroni-jvm");
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
