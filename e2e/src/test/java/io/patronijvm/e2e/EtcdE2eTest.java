package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * and HAProxy following, the dead node rejoining, the primary cut off from the DCS (each node
 * talks to its own etcd member only, {@code CLUSTER_ETCD_CLIENT=own}: killing the primary's member
 * leaves the other two with quorum and the primary alone) and synchronous mode. With
 * -De2e.agent=patroni every node is Patroni, which checks the scenario itself.
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
    protected Map<String, String> clusterEnv() {
        return Map.of("CLUSTER_ETCD_CLIENT", "own");
    }

    @Override
    protected Map<Integer, String> agentPerNode() {
        return Map.of(3, E2eEnv.PATRONI_BIN);
    }

    /** An etcd member the given node does not talk to (nodeN uses member N only). */
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
    void switchoverHandsTheLockBetweenPatroniAndOurs() throws Exception {
        String from = view.singlePrimary().orElseThrow();
        String to = from.equals(PATRONI_NODE) ? "node1" : PATRONI_NODE;
        // Under writes, with OPTIONS /primary polled on every node: no two healthy primaries, no
        // acknowledged write lost, the former primary rejoins without pg_rewind (issue 12).
        Duration outage = switchoverUnderWrites("e2e_etcd_switchover", to, () -> patronictlSwitchover(from, to));
        report("switchover", "%s -> %s on etcd: write outage %.2f s", from, to, seconds(outage));
        if (to.equals(PATRONI_NODE)) {
            // End with ours holding the lock, so the node death below kills one of ours.
            switchoverUnderWrites("e2e_etcd_switchover_back", "node1", () -> patronictlSwitchover(PATRONI_NODE, "node1"));
        }
        assertThat(view.leaderKey(otherMember("node1"))).contains(view.singlePrimary().orElseThrow());
    }

    private void patronictlSwitchover(String leader, String candidate) {
        Exec.Result r = Patronictl.run(cluster.patroniYml("node1"), timing.switchover(), "switchover",
                "--leader", leader, "--candidate", candidate, "--force");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @Test
    @Order(3)
    void nodeDeathLetsTheLeaseExpireAReplicaTakesOverAndTheOldNodeRejoins() throws Exception {
        String old = view.singlePrimary().orElseThrow();
        String primary;
        List<Long> acked;
        try (LeaderWatch watch = new LeaderWatch(view, otherMember(old), 6000);
             PrimaryPoller poller = new PrimaryPoller(cluster.nodes());
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
            poller.assertNoOverlap("etcd node death");
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

    @Test
    @Order(4)
    void primaryCutOffFromItsEtcdMemberDemotesBeforeAnotherIsPromoted() throws Exception {
        awaitHealthy(timing.rejoin());
        if (view.singlePrimary().orElseThrow().equals(PATRONI_NODE) && env.agent() == E2eEnv.Agent.JVM) {
            // The cut-off primary should be ours; Patroni's behaviour is the reference, not the subject.
            Exec.Result r = Patronictl.run(cluster.patroniYml("node1"), timing.switchover(), "switchover",
                    "--leader", PATRONI_NODE, "--candidate", "node1", "--force");
            assertThat(r.exitCode()).as(r.output()).isZero();
            await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary()).contains("node1"));
            awaitHealthy(timing.rejoin());
        }
        String old = view.singlePrimary().orElseThrow();
        String member = "etcd" + LocalCluster.index(old);
        Pg.execute(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "CREATE TABLE IF NOT EXISTS e2e_etcd_race "
                + "(id bigserial PRIMARY KEY, node text, at timestamptz DEFAULT clock_timestamp())");
        String promoted;
        try (PrimaryPoller poller = new PrimaryPoller(cluster.nodes());
             WriteRace race = new WriteRace(cluster.nodes(), "e2e_etcd_race", 30_000)) {
            await(timing.fewLoops()).until(() -> race.lastAcceptedNanos(old) > 0);
            long cut = System.nanoTime();
            cluster.kill(member);
            promoted = awaitNewPrimary(old, timing.failover());
            String p = promoted;
            await(timing.failover()).until(() -> race.firstAcceptedNanos(p) > 0);
            List<String> overlaps = race.overlaps();
            long lastOld = race.lastAcceptedNanos(old);
            long firstNew = race.firstAcceptedNanos(promoted);
            report("etcd cut-off", "%s lost %s (the other two kept quorum); its last accepted write %.2f s later; "
                            + "first write on %s %.2f s later; no node accepted writes for %.2f s", old, member,
                    seconds(lastOld - cut), promoted, seconds(firstNew - cut), seconds(firstNew - lastOld));
            // Decision 3: the cut-off primary stops accepting writes before anyone else starts.
            assertThat(overlaps).as("writes accepted by two nodes at once").isEmpty();
            assertThat(lastOld).as("old primary's last write before the new primary's first").isLessThan(firstNew);
            poller.assertNoOverlap("etcd cut-off");
        }
        cluster.start(member);
        awaitHealthy(timing.rejoin());
        assertThat(view.singlePrimary()).contains(promoted);
    }

    @Test
    @Order(5)
    void synchronousModeOnEtcdPromotesOnlyTheSyncStandbyAndLosesNoAcknowledgedWrite() throws Exception {
        awaitHealthy(timing.rejoin());
        String old = view.singlePrimary().orElseThrow();
        Exec.Result on = Patronictl.run(cluster.patroniYml("node1"), Duration.ofSeconds(60), "edit-config",
                "-s", "synchronous_mode=true", "--force");
        assertThat(on.exitCode()).as(on.output()).isZero();
        await(timing.fewLoops()).untilAsserted(() -> {
            JsonNode sync = view.keyJson(otherMember(old), "sync").orElseThrow();
            assertThat(sync.path("sync_standby").asText("")).as(sync.toString()).isNotEmpty();
            assertThat(view.status(old).raw().path("replication").findValuesAsText("sync_state")).contains("sync");
        });
        String syncStandby = view.keyJson(otherMember(old), "sync").orElseThrow().path("sync_standby").asText();
        List<Long> acked;
        String promoted;
        try (PrimaryPoller poller = new PrimaryPoller(cluster.nodes());
             WriteStream stream = WriteStream.start(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "e2e_etcd_sync",
                     Duration.ofMillis(50), Duration.ofMinutes(5))) {
            await(timing.fewLoops()).until(() -> stream.ackCount() >= 20);
            cluster.kill(old);
            promoted = awaitNewPrimary(old, timing.failover());
            int before = stream.ackCount();
            await(timing.failover()).until(() -> stream.ackCount() >= before + 20);
            acked = stream.acknowledgedIds();
            report("sync mode", "etcd: killed %s; %s promoted (sync standby was %s); write outage %.2f s", old,
                    promoted, syncStandby, seconds(stream.longestGap()));
            poller.assertNoOverlap("etcd sync mode failover");
        }
        assertThat(promoted).as("only the synchronous standby may be promoted").isEqualTo(syncStandby);
        assertAllPresent("e2e_etcd_sync", acked);
        cluster.start(old);
        awaitHealthy(timing.rejoin());
        Exec.Result off = Patronictl.run(cluster.patroniYml("node1"), Duration.ofSeconds(60), "edit-config",
                "-s", "synchronous_mode=false", "--force");
        assertThat(off.exitCode()).as(off.output()).isZero();
    }
}
