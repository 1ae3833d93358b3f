package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 scenarios 1, 2, 3, 6, 5 and 8 on one cluster, least destructive first: bootstrap,
 * clients, planned switchovers, a PostgreSQL crash, an agent crash, pause.
 */
class HealthyClusterE2eTest extends ClusterTestBase {

    @Override
    protected String clusterName() {
        return "healthy";
    }

    @Test
    @Order(1)
    void bootstrapsOnePrimaryAndStreamingReplicasInPatronisConsulLayout() throws Exception {
        awaitHealthy(timing.fewLoops());
        String primary = view.singlePrimary().orElseThrow();
        Map<String, String> keys = view.keys(1);
        // Spec 2.1: the keys the real patronictl, confd and vip-manager read.
        assertThat(keys).containsKeys("initialize", "config", "leader", "members/node1", "members/node2", "members/node3");
        assertThat(keys.get("leader")).isEqualTo(primary);
        assertThat(keys.get("initialize")).matches("\\d{10,}")
                .isEqualTo(view.status(primary).raw().path("database_system_identifier").asText());
        JsonNode config = Http.JSON.readTree(keys.get("config"));
        assertThat(config.path("ttl").asInt()).isEqualTo(timing.ttl());
        assertThat(config.path("loop_wait").asInt()).isEqualTo(timing.loopWait());
        for (String node : cluster.nodes()) {
            // Spec 2.2: member value.
            JsonNode m = Http.JSON.readTree(keys.get("members/" + node));
            String host = LocalCluster.host(node);
            assertThat(m.path("conn_url").asText()).isEqualTo("postgres://" + host + ":5432/postgres");
            assertThat(m.path("api_url").asText()).isEqualTo("http://" + host + ":8008/patroni");
            assertThat(m.path("state").asText()).isEqualTo("running");
            assertThat(m.path("role").asText()).isIn(node.equals(primary) ? List.of("master", "primary") : List.of("replica"));
            assertThat(m.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        }
        Exec.Result list = Patronictl.run(cluster.patroniYml("node1"), Duration.ofSeconds(30), "list", "-f", "json");
        assertThat(list.exitCode()).as(list.output()).isZero();
        JsonNode rows = Http.JSON.readTree(list.output().substring(list.output().indexOf('[')));
        List<String> leaders = new ArrayList<>();
        for (JsonNode row : rows) {
            assertThat(row.path("State").asText()).as(row.toString()).isIn("running", "streaming");
            if ("Leader".equals(row.path("Role").asText())) {
                leaders.add(row.path("Member").asText());
            } else {
                assertThat(row.path("Role").asText()).as(row.toString()).isIn("Replica", "Sync Standby");
            }
        }
        assertThat(rows).hasSize(3);
        assertThat(leaders).containsExactly(primary);
    }

    /**
     * Issue 14: scripts/cluster is secured by default. Without the generated credentials the REST
     * API's unsafe endpoints answer 401 and Consul (default deny) neither shows nor takes the
     * cluster's keys; with them a restart goes through (and everything else in this class runs
     * with them).
     */
    @Test
    @Order(2)
    void unsafeEndpointsAndConsulKeysNeedTheGeneratedCredentials() {
        LocalCluster.Credentials c = cluster.credentials();
        assertThat(c.restPassword()).as("REST password in credentials.env").matches("[0-9a-f]{32}");
        assertThat(c.consulToken()).as("agents' Consul token").matches("[0-9a-f-]{36}");
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(0);
        String restart = "http://" + LocalCluster.host(replica) + ":8008/restart";
        Http anonymous = new Http();
        Http.Response refused = anonymous.post(restart, "{}", Duration.ofSeconds(5)).orElseThrow();
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        String leaderKey = "http://" + LocalCluster.consulHost(1) + ":8500/v1/kv/service/" + LocalCluster.SCOPE
                + "/leader";
        Http.Response write = anonymous.put(leaderKey, replica).orElseThrow();
        assertThat(write.status()).as("anonymous KV write: " + write.body()).isEqualTo(403);
        assertThat(anonymous.get(leaderKey).orElseThrow().status()).as("anonymous KV read").isIn(403, 404);
        assertThat(view.leaderKey(1)).as("leader key after the refused write").contains(primary);
        Http.Response restarted = view.http().post(restart, "{}", timing.switchover()).orElseThrow();
        assertThat(restarted.status()).as(restarted.body()).isEqualTo(200);
        awaitHealthy(timing.rejoin());
    }

    @Test
    @Order(3)
    void writesGoToThePrimaryThroughHaproxyAndPgbouncerAndReadsToReplicas() throws Exception {
        String primary = view.singlePrimary().orElseThrow();
        String h = LocalCluster.HAPROXY;
        Pg.execute(h, LocalCluster.WRITE_PORT, "CREATE TABLE IF NOT EXISTS e2e_clients (id int PRIMARY KEY, via text)");
        Pg.execute(h, LocalCluster.WRITE_PORT, "INSERT INTO e2e_clients VALUES (1, 'haproxy') ON CONFLICT DO NOTHING");
        assertThat(Pg.scalar(h, LocalCluster.WRITE_PORT, "SELECT host(inet_server_addr())")).isEqualTo(LocalCluster.host(primary));
        assertThat(Pg.scalar(h, LocalCluster.WRITE_PORT, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        // The read port goes to a replica, which sees the row once it has replayed it.
        assertThat(Pg.scalar(h, LocalCluster.READ_PORT, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        await(timing.fewLoops()).untilAsserted(() ->
                assertThat(Pg.scalar(h, LocalCluster.READ_PORT, "SELECT via FROM e2e_clients WHERE id = 1")).isEqualTo("haproxy"));
        // Each node's PgBouncer (transaction pooling) in front of its own PostgreSQL.
        String primaryHost = LocalCluster.host(primary);
        Pg.execute(primaryHost, 6432, "INSERT INTO e2e_clients VALUES (2, 'pgbouncer') ON CONFLICT DO NOTHING");
        for (String replica : replicasOf(primary)) {
            String host = LocalCluster.host(replica);
            assertThat(Pg.scalar(host, 6432, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            await(timing.fewLoops()).untilAsserted(() ->
                    assertThat(Pg.scalar(host, 6432, "SELECT count(*) FROM e2e_clients")).isEqualTo("2"));
        }
    }

    @Test
    @Order(4)
    void patronictlSwitchoverLosesNoAcknowledgedWrite() throws Exception {
        String primary = view.singlePrimary().orElseThrow();
        String candidate = replicasOf(primary).get(0);
        Duration outage = switchoverUnderWrites("e2e_switchover_ctl", candidate, () -> {
            Exec.Result r = Patronictl.run(cluster.patroniYml("node1"), timing.switchover(), "switchover",
                    "--leader", primary, "--candidate", candidate, "--force");
            assertThat(r.exitCode()).as(r.output()).isZero();
        });
        awaitHealthy(timing.rejoin());
        assertThat(outage).isLessThan(timing.switchover());
    }

    @Test
    @Order(5)
    void restSwitchoverLosesNoAcknowledgedWrite() throws Exception {
        String primary = view.singlePrimary().orElseThrow();
        String candidate = replicasOf(primary).get(1);
        Duration outage = switchoverUnderWrites("e2e_switchover_rest", candidate, () -> {
            // Spec 1.6: an immediate switchover answers 200 once it is done.
            Optional<Http.Response> r = view.http().post("http://" + LocalCluster.host(primary) + ":8008/switchover",
                    "{\"leader\":\"" + primary + "\",\"candidate\":\"" + candidate + "\"}", timing.switchover());
            assertThat(r).as("POST /switchover answered").isPresent();
            assertThat(r.get().status()).as(r.get().body()).isEqualTo(200);
        });
        awaitHealthy(timing.rejoin());
        assertThat(outage).isLessThan(timing.switchover());
    }

    @Test
    @Order(6)
    void crashedPostgresIsRestartedByItsAgentWithoutFailover() {
        String primary = view.singlePrimary().orElseThrow();
        long timeline = view.status(primary).timeline();
        long postmaster = cluster.postmasterPid(primary).orElseThrow();
        try (LeaderWatch watch = new LeaderWatch(view, LocalCluster.consulServerOf(primary), 4000)) {
            long t0 = System.nanoTime();
            LocalCluster.sigkill(postmaster);
            // Spec 3.8 / 3.19: the agent restarts PostgreSQL locally; the leader key stays its own.
            await(timing.rejoin()).untilAsserted(() -> {
                assertThat(view.status(primary).isRunningPrimary()).as(view::describe).isTrue();
                assertThat(cluster.postmasterPid(primary).orElse(postmaster)).as("new postmaster pid").isNotEqualTo(postmaster);
            });
            report("postgres crash", "primary %s running again %.2f s after SIGKILL of its postmaster",
                    primary, seconds(System.nanoTime() - t0));
            assertThat(watch.changes()).as("leader key changes").allSatisfy(c ->
                    assertThat(c.leader()).isIn(Optional.of(primary), Optional.empty()));
            assertThat(watch.changes().stream().map(LeaderWatch.Change::leader)).as("leader key kept").containsOnly(Optional.of(primary));
        }
        awaitHealthy(timing.rejoin());
        assertThat(view.singlePrimary()).contains(primary);
        report("postgres crash", "timeline before %d, after %d", timeline, view.status(primary).timeline());
    }

    @Test
    @Order(7)
    void agentDeathLeavesPostgresRunningAndTheRestartedAgentAdoptsIt() {
        String primary = view.singlePrimary().orElseThrow();
        long postmaster = cluster.postmasterPid(primary).orElseThrow();
        long timeline = view.status(primary).timeline();
        // Decision 6 is about adoption, not a race between a JVM start and the session: at ttl 10
        // a loaded machine can start the agent after its session (5 s, gone by 10 s) expired, and
        // a replica then rightly takes over. So the session gets room for a slow start first.
        int roomyTtl = (int) Math.ceil(60 * env.timingMultiple());
        setTtl(roomyTtl, primary);
        try {
            agentDeathAdopted(primary, postmaster, timeline);
        } finally {
            setTtl(timing.ttl(), primary);
        }
    }

    /** Sets ttl through patronictl and waits until the leader's Consul session carries it (ttl/2). */
    private void setTtl(int ttl, String leader) {
        Exec.Result r = Patronictl.run(cluster.patroniYml("node1"), Duration.ofSeconds(60), "edit-config",
                "-s", "ttl=" + ttl, "--force");
        assertThat(r.exitCode()).as(r.output()).isZero();
        // Consul answers the duration as it was sent: "30s" (ours), "30.0s" (Patroni).
        await(timing.failover()).untilAsserted(() -> assertThat(view.leaderSessionTtl(LocalCluster.consulServerOf(leader))
                        .map(t -> Double.parseDouble(t.replaceAll("s$", ""))))
                .as(() -> "the leader's session after ttl=" + ttl + ": " + view.describe()).contains(ttl / 2.0));
    }

    private void agentDeathAdopted(String primary, long postmaster, long timeline) {
        try (LeaderWatch watch = new LeaderWatch(view, LocalCluster.consulServerOf(primary), 4000)) {
            LocalCluster.sigkill(cluster.agentPid(primary));
            // No failover before the lock can have expired: ttl/2 - loop_wait after the last renewal at worst.
            Duration safe = Duration.ofSeconds(Math.max(1, timing.ttl() / 2 - timing.loopWait()));
            org.awaitility.Awaitility.await().during(safe).atMost(safe.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> replicasOf(primary).stream().noneMatch(n -> view.status(n).isRunningPrimary())
                            && LocalCluster.alive(postmaster));
            cluster.start(primary);
            await(timing.failover()).untilAsserted(() -> {
                assertThat(view.status(primary).isRunningPrimary()).as(view::describe).isTrue();
                assertThat(view.leaderKey(1)).contains(primary);
            });
            assertThat(watch.changes()).as("nobody else took the leader key").allSatisfy(c ->
                    assertThat(c.leader()).isIn(Optional.of(primary), Optional.empty()));
        }
        // Decision 6: PostgreSQL outlived the agent and was adopted, not restarted.
        assertThat(cluster.postmasterPid(primary)).hasValue(postmaster);
        assertThat(LocalCluster.alive(postmaster)).isTrue();
        awaitHealthy(timing.rejoin());
        assertThat(view.status(primary).timeline()).isEqualTo(timeline);
    }

    @Test
    @Order(8)
    void pausedClusterDoesNotFailOverWhenTheLeadersAgentDies() {
        String primary = view.singlePrimary().orElseThrow();
        long postmaster = cluster.postmasterPid(primary).orElseThrow();
        Exec.Result pause = Patronictl.run(cluster.patroniYml("node1"), timing.fewLoops().plusSeconds(30), "pause", "--wait");
        assertThat(pause.exitCode()).as(pause.output()).isZero();
        await(timing.fewLoops()).untilAsserted(() ->
                assertThat(view.statuses()).as("all paused").allMatch(NodeStatus::paused));
        LocalCluster.sigkill(cluster.agentPid(primary));
        // Spec 3.11: paused, nobody races even once the leader key is gone.
        await(timing.failover()).until(() -> view.leaderKey(1).isEmpty());
        long keyGone = System.nanoTime();
        Duration hold = Duration.ofSeconds(3L * timing.loopWait() + 2);
        org.awaitility.Awaitility.await().during(hold).atMost(hold.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> replicasOf(primary).stream().map(view::status).allMatch(NodeStatus::isRunningReplica)
                        && view.leaderKey(1).isEmpty());
        report("pause", "no promotion for %.1f s after the leader key expired", seconds(System.nanoTime() - keyGone));
        cluster.start(primary);
        await(timing.failover()).untilAsserted(() -> assertThat(view.leaderKey(1)).as(view::describe).contains(primary));
        assertThat(cluster.postmasterPid(primary)).hasValue(postmaster);
        Exec.Result resume = Patronictl.run(cluster.patroniYml("node1"), timing.fewLoops().plusSeconds(30), "resume", "--wait");
        assertThat(resume.exitCode()).as(resume.output()).isZero();
        awaitHealthy(timing.rejoin());
        assertThat(view.statuses()).noneMatch(NodeStatus::paused);
        assertThat(view.singlePrimary()).contains(primary);
    }

    /**
     * HAProxy's replica check (OPTIONS /replica, one light query on a streaming replica) fails as
     * soon as the replica's PostgreSQL is gone, before its agent's next cycle restarts it: Patroni
     * asks PostgreSQL on every check, and a check must not trust the last observation.
     */
    @Test
    @Order(9)
    void aReplicasHaproxyCheckFailsAsSoonAsItsPostgresIsKilled() {
        awaitHealthy(timing.rejoin());
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(0);
        String check = cluster.restUrl(replica, "/replica");
        assertThat(view.http().options(check).map(Http.Response::status)).as("streaming replica").hasValue(200);
        assertThat(view.http().options(check + "?lag=1GB").map(Http.Response::status)).as("within lag").hasValue(200);
        long postmaster = cluster.postmasterPid(replica).orElseThrow();
        long t0 = System.nanoTime();
        LocalCluster.sigkill(postmaster);
        java.util.concurrent.atomic.AtomicLong pidWhenFailed = new java.util.concurrent.atomic.AtomicLong();
        await(timing.rejoin()).pollInterval(Duration.ofMillis(10)).until(() -> {
            long pid = cluster.postmasterPid(replica).orElse(-1);
            boolean failed = view.http().options(check).map(Http.Response::status).orElse(-1) != 200;
            pidWhenFailed.set(pid);
            return failed;
        });
        report("replica check", "OPTIONS /replica failed %.3f s after SIGKILL of %s's postmaster",
                seconds(System.nanoTime() - t0), replica);
        assertThat(pidWhenFailed.get()).as("the check failed before the agent started a new postmaster")
                .isIn(postmaster, -1L);
        awaitHealthy(timing.rejoin());
        assertThat(view.http().options(check).map(Http.Response::status)).as("streaming again").hasValue(200);
    }
}
