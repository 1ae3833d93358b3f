package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 on one running cluster: our {@code agent.jar ctl} beside the real patronictl 3.0.2.
 * The read commands must print exactly what patronictl prints for the same cluster (spec 5);
 * every action command is run the way an operator runs it (answering its questions on standard
 * input, or with {@code --force}) and checked by what changed on the nodes and in Consul.
 */
class CtlE2eTest extends ClusterTestBase {

    private static final String CLUSTER = LocalCluster.SCOPE;
    private static final Duration SHORT = Duration.ofSeconds(30);

    @Override
    protected String clusterName() {
        return "ctl";
    }

    @BeforeAll
    void needsOurJar() {
        assumeTrue(Files.isRegularFile(env.agentJar()), "no " + env.agentJar() + ": build the agent module first");
    }

    private Exec.Result ours(Duration timeout, String input, String... args) {
        return OurCtl.run(env, cluster.patroniYml("node1"), timeout, input, args);
    }

    private Exec.Result ok(Duration timeout, String input, String... args) {
        Exec.Result r = ours(timeout, input, args);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).as("no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
        return r;
    }

    @Test
    @Order(1)
    void readCommandsPrintWhatPatronictlPrints() {
        awaitHealthy(timing.fewLoops());
        for (String fmt : List.of("pretty", "json", "yaml", "tsv")) {
            sameAsPatronictl("list", "-f", fmt);
        }
        sameAsPatronictl("list", "-e");
        sameAsPatronictl("history", "-f", "yaml");
        sameAsPatronictl("history", "-f", "tsv");
        sameAsPatronictl("topology");
        sameAsPatronictl("show-config");
        sameAsPatronictl("dsn", "-r", "replica");
        sameAsPatronictl("list", "nosuchcluster");
        // -t prints the time first; only that line may differ.
        Exec.Result ts = ok(SHORT, null, "list", "-t");
        assertThat(ts.output().lines().findFirst().orElseThrow())
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        // -w repeats the table until stopped (no terminal: no screen clearing), as patronictl does.
        Exec.Result watch = ours(Duration.ofSeconds(12), null, "list", "-t", "-w", "0.5");
        assertThat(watch.exitCode()).as(watch.output()).isEqualTo(124);
        assertThat(watch.output().split("\\+ Cluster: " + CLUSTER + " ", -1)).as(watch.output()).hasSizeGreaterThan(2);
        assertThat(watch.output()).doesNotContain("\033[2J");
    }

    @Test
    @Order(2)
    void switchoverAsksForLeaderCandidateAndTimeThenMovesTheLeader() {
        String old = view.singlePrimary().orElseThrow();
        String candidate = replicasOf(old).get(0);
        // Enter for the default primary, the candidate, Enter for "now", y to confirm.
        Exec.Result r = ok(timing.switchover(), "\n" + candidate + "\n\ny\n", "switchover");
        assertThat(r.output()).contains("Current cluster topology").contains("Primary [" + old + "]: ")
                .contains("Candidate ['" + replicasOf(old).get(0) + "', '" + replicasOf(old).get(1) + "'] []: ")
                .containsPattern("When should the switchover take place \\(e\\.g\\. \\S+ \\)  \\[now\\]: ")
                .contains("Are you sure you want to switchover cluster " + CLUSTER + ", demoting current leader " + old
                        + "? [y/N]: ")
                .containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{5} Successfully switched over to \"" + candidate + "\"");
        await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary()).as(view::describe)
                .contains(candidate));
        awaitHealthy(timing.rejoin());
        assertThat(view.leaderKey(1)).contains(candidate);
        sameAsPatronictl("history", "-f", "json");
    }

    @Test
    @Order(3)
    void scheduledSwitchoverIsShownLikePatronictlAndFlushCancelsIt() {
        String leader = view.singlePrimary().orElseThrow();
        String at = LocalDateTime.now().plusHours(2).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
        Exec.Result r = ok(SHORT, null, "switchover", "--candidate", replicasOf(leader).get(0), "--scheduled", at,
                "--force");
        assertThat(r.output()).contains("Switchover scheduled at: ");
        sameAsPatronictl("list");
        sameAsPatronictl("list", "-f", "json");
        Exec.Result flush = ok(SHORT, null, "flush", CLUSTER, "switchover");
        assertThat(flush.output()).startsWith("Success: ");
        assertThat(view.keys(1).getOrDefault("failover", "{}")).isIn("", "{}");
        assertThat(ok(SHORT, null, "flush", CLUSTER, "switchover").output()).contains("No pending scheduled switchover");
    }

    @Test
    @Order(4)
    void pauseAndResumeWaitUntilEveryMemberReportsIt() {
        Exec.Result p = ok(SHORT, null, "pause", "--wait");
        assertThat(p.output()).contains("'pause' request sent, waiting until it is recognized by all nodes");
        assertPauseWaitAnswered(p, true);
        assertThat(view.keyJson(1, "config").orElseThrow().path("pause").asBoolean()).isTrue();
        sameAsPatronictl("list");
        sameAsPatronictl("topology");
        Exec.Result again = ours(SHORT, null, "pause");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.output()).contains("Error: Cluster is already paused");
        assertPauseWaitAnswered(ok(SHORT, null, "resume", "--wait"), false);
        assertThat(view.keyJson(1, "config").orElseThrow().path("pause").isMissingNode()).isTrue();
    }

    @Test
    @Order(5)
    void editConfigShowsTheDiffAndWritesWithCompareAndSet() throws Exception {
        Exec.Result r = ok(SHORT, null, "edit-config", "--force", "-s", "maximum_lag_on_failover=2097152", "-p",
                "work_mem=6MB");
        assertThat(r.output()).contains("--- \n+++ \n").contains("-maximum_lag_on_failover: 1048576")
                .contains("+maximum_lag_on_failover: 2097152").contains("+    work_mem: 6MB")
                .contains("Configuration changed");
        JsonNode config = view.keyJson(1, "config").orElseThrow();
        assertThat(config.path("maximum_lag_on_failover").asLong()).isEqualTo(2097152L);
        await(timing.fewLoops()).untilAsserted(() -> assertThat(cluster.nodes()).allSatisfy(n -> assertThat(
                Pg.scalarOrNull(LocalCluster.host(n), 5432, "SHOW work_mem")).as(n).isEqualTo("6MB")));
        assertThat(ok(SHORT, null, "edit-config", "--force", "-s", "maximum_lag_on_failover=2097152").output())
                .contains("Not changed");
        sameAsPatronictl("show-config");
        // The "editor" changes the key behind our back while we edit: the write must be refused (CAS).
        Path editor = cluster.dir().resolve("concurrent-editor.sh");
        Files.writeString(editor, "#!/bin/sh\n"
                + "curl -s -X PUT -H 'X-Consul-Token: " + cluster.credentials().consulToken() + "' --data-binary '"
                + config.toString().replace("2097152", "3145728")
                + "' http://" + LocalCluster.consulHost(1) + ":8500/v1/kv/service/" + CLUSTER + "/config >/dev/null\n"
                + "sed -i 's/^loop_wait: .*/loop_wait: 3/' \"$1\"\n");
        Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwxr-xr-x"));
        Exec.Result cas = OurCtl.run(env, Map.of("EDITOR", editor.toString()), SHORT, null, "-c",
                cluster.patroniYml("node1").toString(), "edit-config", "--force");
        assertThat(cas.exitCode()).as(cas.output()).isEqualTo(1);
        assertThat(cas.output()).contains("+loop_wait: 3")
                .contains("Error: Config modification aborted due to concurrent changes");
        JsonNode after = view.keyJson(1, "config").orElseThrow();
        assertThat(after.path("maximum_lag_on_failover").asLong()).isEqualTo(3145728L);
        assertThat(after.path("loop_wait").asInt()).isEqualTo(config.path("loop_wait").asInt());
    }

    @Test
    @Order(6)
    void reloadRestartAndVersionTalkToEachMember() {
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(0);
        Exec.Result reload = ok(SHORT, null, "reload", CLUSTER, replica, "--force");
        assertThat(reload.output()).containsPattern("(No changes to apply on member|Reload request received for member) "
                + replica);
        long pid = cluster.postmasterPid(replica).orElseThrow();
        Exec.Result restart = ok(timing.rejoin(), null, "restart", CLUSTER, replica, "--force");
        assertThat(restart.output()).contains("Success: restart on member " + replica);
        assertThat(cluster.postmasterPid(replica).orElseThrow()).isNotEqualTo(pid);
        awaitHealthy(timing.rejoin());
        Exec.Result version = ok(SHORT, null, "version", CLUSTER);
        assertThat(version.output()).startsWith("patronictl version 3.0.2");
        for (String node : cluster.nodes()) {
            assertThat(version.output()).containsPattern(node + ": Patroni \\d+\\.\\d+\\.\\d+ PostgreSQL \\d+");
        }
    }

    @Test
    @Order(7)
    void reinitWaitsUntilTheReplicaIsRebuilt() throws Exception {
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(1);
        Path marker = cluster.dataDir(replica).resolve("e2e-ctl-reinit-marker");
        Files.writeString(marker, "before reinit\n");
        // Without a member name, reinit asks which one; then it asks for confirmation.
        Exec.Result r = ok(timing.rejoin(), replica + "\ny\n", "reinit", CLUSTER, "--wait");
        assertThat(r.output()).contains("Which member do you want to reinitialize [")
                .contains("Are you sure you want to reinitialize members " + replica + "? [y/N]: ")
                .contains("Success: reinitialize for member " + replica)
                .contains("Reinitialize is completed on: " + replica);
        assertThat(marker).doesNotExist();
        awaitHealthy(timing.rejoin());
    }

    @Test
    @Order(8)
    void failoverToACandidateAndItsRefusalsNameTheProblem() {
        String old = view.singlePrimary().orElseThrow();
        Exec.Result same = ours(SHORT, null, "failover", "--candidate", old, "--force");
        assertThat(same.exitCode()).isEqualTo(1);
        assertThat(same.output()).contains("Error: Failover target and source are the same.");
        Exec.Result ghost = ours(SHORT, null, "failover", "--candidate", "ghost", "--force");
        assertThat(ghost.output()).contains("Error: Member ghost does not exist in cluster " + CLUSTER);
        String candidate = replicasOf(old).get(1);
        ok(timing.switchover(), null, "failover", "--candidate", candidate, "--force");
        await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary()).as(view::describe)
                .contains(candidate));
        awaitHealthy(timing.rejoin());
        sameAsPatronictl("history");
        sameAsPatronictl("list");
    }

    @Test
    @Order(9)
    void errorsNameWhatWasWrongWithoutAStackTrace() throws Exception {
        Exec.Result down = OurCtl.run(env, Map.of(), SHORT, null, "-d", "consul://127.0." + LocalCluster.NET + ".9:8500",
                "list", CLUSTER);
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.output()).startsWith("Error: cannot read cluster demo from Consul at http://127.0."
                + LocalCluster.NET + ".9:8500").doesNotContain("\tat ");
        Exec.Result noFile = OurCtl.run(env, Map.of(), SHORT, null, "-c", "/nonexistent/patroni.yml", "list");
        assertThat(noFile.exitCode()).isEqualTo(1);
        assertThat(noFile.output()).contains("/nonexistent/patroni.yml");
        Exec.Result noLeader = ours(SHORT, null, "switchover", "ghostcluster", "--force");
        assertThat(noLeader.output()).contains("Error: This cluster has no leader");
        Exec.Result notMember = ours(SHORT, null, "restart", CLUSTER, "ghost", "--force");
        assertThat(notMember.exitCode()).isEqualTo(1);
        assertThat(notMember.output()).contains("Error: No any among provided members");
        Exec.Result completion = ok(SHORT, null, "generate-completion");
        assertThat(completion.output()).contains("complete -F").contains("switchover").contains("edit-config");
    }

    @Test
    @Order(10)
    void removeAsksThreeTimesAndDeletesOnlyThatCluster() {
        String base = "http://" + LocalCluster.consulHost(1) + ":8500/v1/kv/service/scratch/";
        Http http = view.http();
        assertThat(http.put(base + "config", "{\"ttl\": 30}").orElseThrow().status()).isEqualTo(200);
        Exec.Result wrong = ours(SHORT, "scratch\nyes\n", "remove", "scratch");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.output()).contains("Please confirm the cluster name to remove: ")
                .contains("Error: You did not exactly type \"Yes I am aware\"");
        assertThat(http.get(base + "config").orElseThrow().status()).isEqualTo(200);
        ok(SHORT, "scratch\nYes I am aware\n", "remove", "scratch");
        assertThat(http.get(base + "config").orElseThrow().status()).isEqualTo(404);
        assertThat(view.leaderKey(1)).isPresent();
    }
}
