package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 6 on a running cluster: the real {@code patronictl} (Debian's 3.0.2) drives the nodes
 * through their REST API and Consul keys (spec 5): {@code version}, {@code edit-config -s/-p},
 * {@code reload}, {@code restart}, {@code reinit --wait}, {@code failover --candidate},
 * {@code history}; and the real HAProxy routes writes only to the primary and reads only to
 * replicas, following a role change within its check interval (spec 1.4). Switchover, pause and
 * resume are in {@link HealthyClusterE2eTest}. patronictl 3.0.2 exits 0 after a refused REST
 * call too, so every step checks what changed on the nodes, not only the exit code.
 */
class PatronictlE2eTest extends ClusterTestBase {

    private static final String CLUSTER = LocalCluster.SCOPE;

    @Override
    protected String clusterName() {
        return "patronictl";
    }

    private Exec.Result ctl(Duration timeout, String... args) {
        Exec.Result r = Patronictl.run(cluster.patroniYml("node1"), timeout, args);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).as("patronictl reports no failure").doesNotContain("Failed:").doesNotContain("failed,");
        return r;
    }

    private String show(String node, String parameter) {
        return Pg.scalarOrNull(LocalCluster.host(node), 5432, "SHOW " + parameter);
    }

    @Test
    @Order(1)
    void versionNamesEveryMembersPatroniAndPostgresVersion() {
        awaitHealthy(timing.fewLoops());
        Exec.Result r = ctl(Duration.ofSeconds(30), "version", CLUSTER);
        assertThat(r.output()).contains("patronictl version 3.0.2");
        for (String node : cluster.nodes()) {
            // Spec 5: GET /patroni gives patroni.version (dotted digits) and server_version.
            assertThat(r.output()).containsPattern(node + ": Patroni \\d+\\.\\d+\\.\\d+ PostgreSQL \\d+");
        }
    }

    @Test
    @Order(2)
    void haproxySendsWritesOnlyToThePrimaryAndReadsOnlyToReplicas() throws Exception {
        String primary = view.singlePrimary().orElseThrow();
        Set<String> replicaHosts = new HashSet<>(replicasOf(primary).stream().map(LocalCluster::host).toList());
        Set<String> readServers = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            assertThat(Pg.scalar(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "SELECT host(inet_server_addr())"))
                    .isEqualTo(LocalCluster.host(primary));
            readServers.add(Pg.scalar(LocalCluster.HAPROXY, LocalCluster.READ_PORT, "SELECT host(inet_server_addr())"));
        }
        // Spec 1.4: /replica answers 200 only on running replicas, so the read port never reaches the primary.
        assertThat(replicaHosts).containsAll(readServers);
        report("haproxy", "writes went to %s only, reads to %s", primary, readServers);
    }

    @Test
    @Order(3)
    void editConfigSetsDynamicKeysAndPostgresParametersOnEveryNode() throws Exception {
        ctl(Duration.ofSeconds(60), "edit-config", CLUSTER, "--force", "-s", "maximum_lag_on_failover=2097152",
                "-p", "maintenance_work_mem=80MB");
        JsonNode config = view.keyJson(1, "config").orElseThrow();
        assertThat(config.path("maximum_lag_on_failover").asLong()).isEqualTo(2097152L);
        assertThat(config.path("postgresql").path("parameters").path("maintenance_work_mem").asText()).isEqualTo("80MB");
        // Spec 4.3: the dynamic parameters reach every node's PostgreSQL without a restart.
        await(timing.fewLoops()).untilAsserted(() -> assertThat(cluster.nodes())
                .allSatisfy(n -> assertThat(show(n, "maintenance_work_mem")).as(n).isEqualTo("80MB")));
        Exec.Result show = ctl(Duration.ofSeconds(30), "show-config", CLUSTER);
        assertThat(show.output()).contains("maximum_lag_on_failover: 2097152").contains("maintenance_work_mem: 80MB");
    }

    @Test
    @Order(4)
    void reloadReReadsTheLocalConfigurationFile() throws Exception {
        String node = "node2";
        Path yml = cluster.patroniYml(node);
        String before = Files.readString(yml);
        assertThat(show(node, "work_mem")).isNotEqualTo("7MB");
        Files.writeString(yml, before.replace("    unix_socket_directories:", "    work_mem: 7MB\n    unix_socket_directories:"));
        try {
            // Spec 1.6 / R65: POST /reload re-reads patroni.yml and reloads PostgreSQL.
            ctl(Duration.ofSeconds(30), "reload", CLUSTER, node, "--force");
            await(timing.fewLoops()).untilAsserted(() -> assertThat(show(node, "work_mem")).isEqualTo("7MB"));
        } finally {
            Files.writeString(yml, before);
        }
        ctl(Duration.ofSeconds(30), "reload", CLUSTER, node, "--force");
        await(timing.fewLoops()).untilAsserted(() -> assertThat(show(node, "work_mem")).isNotEqualTo("7MB"));
    }

    @Test
    @Order(5)
    void restartRestartsPostgresOnTheNamedMembersWithoutFailover() {
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(0);
        long primaryPid = cluster.postmasterPid(primary).orElseThrow();
        long replicaPid = cluster.postmasterPid(replica).orElseThrow();
        long timeline = view.status(primary).timeline();
        long t0 = System.nanoTime();
        // R64: POST /restart answers 200 once PostgreSQL is up again; the leader keeps its key.
        Exec.Result r = ctl(timing.rejoin(), "restart", CLUSTER, primary, replica, "--force");
        assertThat(r.output()).contains("Success: restart on member " + primary)
                .contains("Success: restart on member " + replica);
        report("restart", "%s and %s restarted in %.2f s", primary, replica, seconds(System.nanoTime() - t0));
        assertThat(cluster.postmasterPid(primary).orElseThrow()).as("postmaster of " + primary).isNotEqualTo(primaryPid);
        assertThat(cluster.postmasterPid(replica).orElseThrow()).as("postmaster of " + replica).isNotEqualTo(replicaPid);
        awaitHealthy(timing.rejoin());
        assertThat(view.singlePrimary()).contains(primary);
        assertThat(view.leaderKey(1)).contains(primary);
        assertThat(view.status(primary).timeline()).isEqualTo(timeline);
    }

    @Test
    @Order(6)
    void reinitRebuildsAReplicaFromTheLeader() throws Exception {
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(1);
        // A file only this replica's data directory has: a rebuilt directory no longer has it.
        Path marker = cluster.dataDir(replica).resolve("e2e-reinit-marker");
        Files.writeString(marker, "before reinit\n");
        Pg.execute(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT,
                "CREATE TABLE IF NOT EXISTS e2e_reinit AS SELECT 42 AS answer");
        long t0 = System.nanoTime();
        // R66 / spec 5: --wait polls GET /patroni until the state is no longer "creating replica".
        Exec.Result r = ctl(timing.rejoin(), "reinit", CLUSTER, replica, "--force", "--wait");
        assertThat(r.output()).contains("Success: reinitialize for member " + replica);
        awaitHealthy(timing.rejoin());
        report("reinit", "%s rebuilt and streaming %.2f s after the request", replica, seconds(System.nanoTime() - t0));
        assertThat(marker).doesNotExist();
        assertThat(view.singlePrimary()).contains(primary);
        await(timing.fewLoops()).untilAsserted(() ->
                assertThat(Pg.scalarOrNull(LocalCluster.host(replica), 5432, "SELECT answer FROM e2e_reinit")).isEqualTo("42"));
    }

    @Test
    @Order(7)
    void failoverToANamedCandidateMovesTheLeaderAndHaproxyFollows() throws Exception {
        String old = view.singlePrimary().orElseThrow();
        String candidate = replicasOf(old).get(1);
        long timeline = view.status(old).timeline();
        long t0 = System.nanoTime();
        // Under writes: no two healthy primaries, no acknowledged write lost (the leader demotes
        // gracefully, as for a switchover), the former primary rejoins without pg_rewind (issue 12).
        switchoverUnderWrites("e2e_ctl_failover", candidate,
                () -> ctl(timing.switchover(), "failover", CLUSTER, "--candidate", candidate, "--force"));
        // The writes above went through HAProxy's write port, which reaches the candidate now.
        assertThat(Pg.scalarOrNull(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT,
                "SELECT host(inet_server_addr()) || ' ' || pg_is_in_recovery()"))
                .isEqualTo(LocalCluster.host(candidate) + " false");
        report("failover --candidate", "%s -> %s: candidate primary behind HAProxy, writes flowing and the former "
                + "primary rejoined %.2f s after the request", old, candidate, seconds(System.nanoTime() - t0));
        awaitHealthy(timing.rejoin());
        assertThat(view.status(candidate).timeline()).isGreaterThan(timeline);
        assertThat(view.leaderKey(1)).contains(candidate);
        Set<String> readServers = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            readServers.add(Pg.scalar(LocalCluster.HAPROXY, LocalCluster.READ_PORT, "SELECT host(inet_server_addr())"));
        }
        assertThat(readServers).doesNotContain(LocalCluster.host(candidate));
    }

    @Test
    @Order(8)
    void historyListsTheTimelineSwitchWithTheNewLeader() throws Exception {
        String primary = view.singlePrimary().orElseThrow();
        long timeline = view.status(primary).timeline();
        Exec.Result r = ctl(Duration.ofSeconds(30), "history", CLUSTER, "-f", "json");
        JsonNode rows = Http.JSON.readTree(r.output().substring(r.output().indexOf('[')));
        assertThat(rows.size()).as(r.output()).isGreaterThanOrEqualTo(1);
        // Spec 2.1: history lines are [timeline, lsn, reason, timestamp, new leader].
        Optional<JsonNode> last = Optional.ofNullable(rows.get(rows.size() - 1));
        assertThat(last).isPresent();
        assertThat(last.get().path("TL").asLong()).as(r.output()).isEqualTo(timeline - 1);
        assertThat(last.get().path("New Leader").asText()).as(r.output()).isEqualTo(primary);
        assertThat(last.get().path("LSN").asLong()).as(r.output()).isPositive();
        List<Long> tls = new java.util.ArrayList<>();
        rows.forEach(row -> tls.add(row.path("TL").asLong()));
        assertThat(tls).as("one line per timeline, ascending").isSorted().doesNotHaveDuplicates();
    }

    /**
     * Issue 12 defect 6, Patroni's behaviour: a scheduled restart shows in the member key, on
     * {@code GET /patroni} and in {@code patronictl list} until it runs at its time or is flushed;
     * a scheduled switchover shows in {@code patronictl list} and {@code flush} deletes it.
     */
    @Test
    @Order(9)
    void scheduledRestartAndSwitchoverAreShownRunAtTheirTimeAndCanBeFlushed() {
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(0);
        String later = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).plusHours(1)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        ctl(Duration.ofSeconds(30), "restart", CLUSTER, replica, "--scheduled", later, "--force");
        await(timing.fewLoops()).untilAsserted(() -> assertThat(view.keyJson(1, "members/" + replica).orElseThrow()
                .path("scheduled_restart").path("schedule").asText()).startsWith(later.substring(0, 16)));
        assertThat(view.status(replica).raw().path("scheduled_restart").path("schedule").asText())
                .startsWith(later.substring(0, 16));
        assertThat(ctl(Duration.ofSeconds(30), "list", CLUSTER).output()).contains("Scheduled restart");
        ctl(Duration.ofSeconds(30), "flush", CLUSTER, replica, "restart", "--force");
        await(timing.fewLoops()).untilAsserted(() -> assertThat(view.keyJson(1, "members/" + replica).orElseThrow()
                .has("scheduled_restart")).isFalse());
        assertThat(view.status(replica).raw().has("scheduled_restart")).isFalse();

        long pid = cluster.postmasterPid(replica).orElseThrow();
        String soon = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(4).toString();
        ctl(Duration.ofSeconds(30), "restart", CLUSTER, replica, "--scheduled", soon, "--force");
        await(timing.rejoin()).untilAsserted(() -> assertThat(cluster.postmasterPid(replica)).as("restarted at its time")
                .isPresent().isNotEqualTo(Optional.of(pid)));
        await(timing.fewLoops()).untilAsserted(() -> assertThat(view.keyJson(1, "members/" + replica).orElseThrow()
                .has("scheduled_restart")).isFalse());

        ctl(Duration.ofSeconds(30), "switchover", CLUSTER, "--master", primary, "--candidate", replica,
                "--scheduled", later, "--force");
        assertThat(ctl(Duration.ofSeconds(30), "list", CLUSTER).output()).contains("Switchover scheduled at:");
        assertThat(ctl(Duration.ofSeconds(30), "flush", CLUSTER, "switchover").output())
                .contains("Success: scheduled switchover deleted");
        assertThat(view.keyJson(1, "failover").map(j -> j.path("scheduled_at").asText("")).orElse("")).isEmpty();
        awaitHealthy(timing.rejoin());
        assertThat(view.singlePrimary()).contains(primary);
    }
}
