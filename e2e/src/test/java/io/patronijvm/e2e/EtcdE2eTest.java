package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 on one real cluster kept small for CI: 3 etcd 3.4 members instead of Consul
 * ({@code CLUSTER_DCS=etcd3}), node1 and node2 running ours and node3 Debian's real Patroni 3.0.2,
 * all sharing one etcd. Covers bootstrap (and the real patronictl, configured for etcd3, listing
 * every member), a planned switchover between the two agents, node death with the key going
 * and HAProxy following, and the dead node rejoining. With -De2e.agent=patroni every node is
 * Patroni, which checks the scenario itself.
 */
class EtcdE2eTest extends ClusterTestBase {

    private static final String PATRONI_NODE = "node3";

    @Override
    protected String clusterName() {
        return "etcd";
    }

    @Override
    protected String dcs() {
        return "etcd3";
    }

    @Override
    protected Map<Integer, String> agentPerNode() {
        return Map.of(3, E2eEnv.PATRONI_BIN);
    }

    /** An etcd member the given node does not prefer (scripts/cluster lists member ((i-1) mod 3)+1 first). */
    private static int otherMember(String node) {
        return (LocalCluster.index(node) - 1) % 3 + 1 == 1 ? 2 : 1;
    }

    @Test
    @Order(1)
    void bootstrapsOnEtcdAndTheRealPatronictlListsEveryMember() {
        awaitHealthy(timing.fewLoops());
        String primary = view.singlePrimary().orElseThrow();
        Map<String, String> keys = view.keys(1);
        assertThat(keys).containsKeys("initialize", "config", "leader", "members/node1", "members/node2",
                "members/node3");
        assertThat(keys.get("leader")).isEqualTo(primary);
        assertThat(keys.get("initialize")).matches("[0-9]{10,}");
        Exec.Result list = Patronictl.run(cluster.patroniYml("node1"), Duration.ofSeconds(60), "list");
        assertThat(list.exitCode()).as(list.output()).isZero();
        for (String node : cluster.nodes()) {
            assertThat(list.output()).containsPattern(node + "\\s*\\|\\s*" + LocalCluster.host(node).replace(".", "\\.")
                    + "\\s*\\|\\s*" + (node.equals(primary) ? "Leader" : "Replica") + "\\s*\\|\\s*running");
        }
        if (env.agent() == E2eEnv.Agent.JVM) {
            assertThat(view.status("node1").raw().path("implementation").asText()).startsWith("patroni-jvm");
            assertThat(view.status(PATRONI_NODE).raw().has("implementation")).as("node3 is real Patroni").isFalse();
        }
    }

    /** Issue 15 on etcd v3: our ctl reads (and edits) the same keys the real patronictl reads. */
    @Test
    @Order(1)
    void ourCtlPrintsWhatPatronictlPrintsOnEtcd() {
        assumeTrue(Files.isRegularFile(env.agentJar()), "no " + env.agentJar() + ": build the agent module first");
        awaitHealthy(timing.fewLoops());
        sameAsPatronictl("list", "-e");
        sameAsPatronictl("list", "-f", "json");
        sameAsPatronictl("topology");
        sameAsPatronictl("show-config");
        Exec.Result edit = OurCtl.run(env, cluster.patroniYml("node1"), Duration.ofSeconds(60), null, "edit-config",
                "-s", "ctl_probe=on", "--force");
        assertThat(edit.exitCode()).as(edit.output()).isZero();
        Exec.Result shown = Patronictl.run(cluster.patroniYml("node1"), Duration.ofSeconds(60), "show-config");
        assertThat(shown.output()).as("written with compare-and-set on etcd, read back by patronictl")
                .contains("ctl_probe: true");
        sameAsPatronictl("show-config");
    }

    @Test
    @Order(2)
    void switchoverHandsTheLockBetweenPatroniAndOurs() {
        String from = view.singlePrimary().orElseThrow();
        String to = from.equals(PATRONI_NODE) ? "node1" : PATRONI_NODE;
        long t0 = System.nanoTime();
        Exec.Result r = Patronictl.run(cluster.patroniYml("node1"), timing.switchover(), "switchover",
                "--leader", from, "--candidate", to, "--force");
        assertThat(r.exitCode()).as(r.output()).isZero();
        await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary()).as(view::describe).contains(to));
        report("switchover", "%s -> %s on etcd: %.2f s until the candidate was the only primary", from, to,
                seconds(System.nanoTime() - t0));
        awaitHealthy(timing.rejoin());
        if (to.equals(PATRONI_NODE)) {
            // End with ours holding the lock, so the node death below kills one of ours.
            Exec.Result back = Patronictl.run(cluster.patroniYml("node1"), timing.switchover(), "switchover",
                    "--leader", PATRONI_NODE, "--candidate", "node1", "--force");
            assertThat(back.exitCode()).as(back.output()).isZero();
            await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary()).contains("node1"));
            awaitHealthy(timing.rejoin());
        }
        assertThat(view.leaderKey(otherMember("node1"))).contains(view.singlePrimary().orElseThrow());
    }

    @Test
    @Order(3)
    void nodeDeathLetsTheLeaseExpireAReplicaTakesOverAndTheOldNodeRejoins() throws Exception {
        String old = view.singlePrimary().orElseThrow();
        String primary;
        List<Long> acked;
        try (LeaderWatch watch = new LeaderWatch(view, otherMember(old), 6000);
             WriteStream stream = WriteStream.start(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "e2e_etcd_death",
                     Duration.ofMillis(50), Duration.ofMinutes(5))) {
            await(timing.fewLoops()).until(() -> stream.ackCount() >= 20);
            long killed = System.nanoTime();
            cluster.kill(old);
            primary = awaitNewPrimary(old, timing.failover());
            await(timing.failover()).until(() -> watch.firstLossOf(old) > 0
                    && stream.firstAckAfter(watch.firstLossOf(old)) > 0);
            long keyGone = watch.firstLossOf(old);
            long firstWrite = stream.firstAckAfter(keyGone);
            int before = stream.ackCount();
            await(timing.switchover()).until(() -> stream.ackCount() >= before + 20);
            acked = stream.acknowledgedIds();
            report("node death", "etcd: killed %s; leader key gone after %.2f s (lease ttl %d s); first write through "
                            + "HAProxy %.2f s after the key went; write outage %.2f s; new primary %s", old,
                    seconds(keyGone - killed), timing.ttl(), seconds(firstWrite - keyGone),
                    seconds(stream.longestGap()), primary);
            // etcd drops an unrenewed lease at its TTL: never before the last renewal + ttl, so never
            // sooner than ttl - loop_wait after the kill (renewals come at most every loop_wait).
            assertThat(seconds(keyGone - killed)).as("seconds until the dead leader's key went")
                    .isGreaterThan(timing.ttl() - timing.loopWait() - 0.5);
        }
        Set<Long> present = new HashSet<>(Pg.column(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT,
                "SELECT id FROM e2e_etcd_death").stream().map(Long::parseLong).toList());
        report("node death", "etcd: acknowledged writes lost: %d of %d",
                acked.stream().filter(id -> !present.contains(id)).count(), acked.size());
        cluster.start(old);
        awaitHealthy(timing.rejoin());
        assertThat(view.singlePrimary()).contains(primary);
        assertThat(view.status(old).timeline()).isEqualTo(view.status(primary).timeline());
    }
}
