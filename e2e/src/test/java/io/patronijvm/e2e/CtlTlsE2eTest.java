package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 over TLS: a cluster whose REST API speaks https and requires client certificates
 * (scripts/cluster CLUSTER_TLS=1: restapi certfile/keyfile/cafile and verify_client: required,
 * a {@code ctl} section with the operator's client certificate). Our ctl must reach the members
 * with the same {@code ctl}/{@code restapi} settings patronictl 3.0.2 uses (ctl first, then
 * restapi; {@code ctl.cacert} or {@code restapi.cafile}; {@code keyfile_password}; with a client
 * certificate, {@code -k} skips only the host name check), and fail where patronictl fails.
 */
class CtlTlsE2eTest extends ClusterTestBase {

    private static final String CLUSTER = LocalCluster.SCOPE;
    private static final Duration SHORT = Duration.ofSeconds(30);

    @Override
    protected String clusterName() {
        return "ctl-tls";
    }

    @Override
    protected int nodeCount() {
        return 2;
    }

    @Override
    protected Map<String, String> clusterEnv() {
        return Map.of("CLUSTER_TLS", "1");
    }

    @BeforeAll
    void needsOurJar() {
        assumeTrue(Files.isRegularFile(env.agentJar()), "no " + env.agentJar() + ": build the agent module first");
    }

    private Exec.Result ours(Path config, Duration timeout, String... args) {
        return OurCtl.run(env, config, timeout, null, args);
    }

    private Exec.Result ok(Duration timeout, String... args) {
        Exec.Result r = ours(cluster.patroniYml("node1"), timeout, args);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).as("no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
        return r;
    }

    /** Both tools on one configuration; returns {ours, theirs}. */
    private Exec.Result[] both(Path config, String... args) {
        var theirsLater = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Patronictl.run(config, SHORT, args));
        Exec.Result mine = ours(config, SHORT, args);
        return new Exec.Result[] {mine, theirsLater.join()};
    }

    private void same(Path config, String... args) {
        await(timing.fewLoops()).untilAsserted(() -> {
            Exec.Result[] r = both(config, args);
            assertThat(r[0].exitCode()).as(r[0].output()).isEqualTo(r[1].exitCode());
            assertThat(r[0].output()).as("ctl " + String.join(" ", args)).isEqualTo(r[1].output());
        });
    }

    /** node1's patroni.yml with {@code edit} applied, as a file beside it. */
    private Path variant(String name, UnaryOperator<String> edit) throws IOException {
        Path f = cluster.dir().resolve("ctl-" + name + ".yml");
        Files.writeString(f, edit.apply(Files.readString(cluster.patroniYml("node1"))));
        return f;
    }

    private static String withoutLines(String yml, String... prefixes) {
        return String.join("\n", yml.lines().filter(l -> List.of(prefixes).stream().noneMatch(l::startsWith)).toList())
                + "\n";
    }

    @Test
    @Order(1)
    void readCommandsReachEveryMemberOverHttpsWithTheClientCertificate() {
        awaitHealthy(timing.fewLoops());
        assertThat(view.status("node1").isRunningPrimary() || view.status("node2").isRunningPrimary())
                .as("the harness reads /patroni over https with the ctl certificate: " + view.describe()).isTrue();
        Path yml = cluster.patroniYml("node1");
        same(yml, "list", "-e");
        same(yml, "topology");
        // version asks each member's REST API (GET /patroni): only with the client certificate.
        same(yml, "version", CLUSTER);
        Exec.Result v = ok(SHORT, "version", CLUSTER);
        for (String node : cluster.nodes()) {
            assertThat(v.output()).containsPattern(node + ": Patroni \\d+\\.\\d+\\.\\d+ PostgreSQL \\d+");
        }
    }

    @Test
    @Order(2)
    void actionsPostToTheMembersWithTheClientCertificate() {
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(0);
        Exec.Result reload = ok(SHORT, "reload", CLUSTER, replica, "--force");
        assertThat(reload.output()).containsPattern("(No changes to apply on member|Reload request received for member) "
                + replica);
        long pid = cluster.postmasterPid(replica).orElseThrow();
        assertThat(ok(timing.rejoin(), "restart", CLUSTER, replica, "--force").output())
                .contains("Success: restart on member " + replica);
        assertThat(cluster.postmasterPid(replica).orElseThrow()).isNotEqualTo(pid);
        awaitHealthy(timing.rejoin());
        assertPauseWaitAnswered(ok(SHORT, "pause", "--wait"), true);
        same(cluster.patroniYml("node1"), "list");
        assertPauseWaitAnswered(ok(SHORT, "resume", "--wait"), false);
        // --primary is patronictl 3.0.2's other name for --leader; the request goes to the leader's REST API.
        Exec.Result sw = ok(timing.switchover(), "switchover", CLUSTER, "--primary", primary, "--candidate", replica,
                "--force");
        assertThat(sw.output()).containsPattern("Successfully switched over to \"" + replica + "\"");
        await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary()).as(view::describe)
                .contains(replica));
        awaitHealthy(timing.rejoin());
    }

    /**
     * restart's selectors and conditions (issue 15: --role, --pending, --pg-version, --scheduled)
     * and flush of a scheduled restart. A refused condition is the member's answer, so both tools
     * print it alike and nothing restarts.
     */
    @Test
    @Order(3)
    void restartSelectorsConditionsAndScheduleAsPatronictl() {
        Path yml = cluster.patroniYml("node1");
        String primary = view.singlePrimary().orElseThrow();
        String replica = replicasOf(primary).get(0);
        long primaryPid = cluster.postmasterPid(primary).orElseThrow();
        long replicaPid = cluster.postmasterPid(replica).orElseThrow();
        same(yml, "restart", CLUSTER, "--pending", "--force");
        same(yml, "restart", CLUSTER, "--pg-version", "10.0", "--force");
        assertThat(cluster.postmasterPid(primary).orElseThrow()).as("nothing restarted").isEqualTo(primaryPid);
        Exec.Result role = ok(timing.rejoin(), "restart", CLUSTER, "--role", "replica", "--force");
        assertThat(role.output()).contains("Success: restart on member " + replica).doesNotContain("member " + primary);
        assertThat(cluster.postmasterPid(replica).orElseThrow()).isNotEqualTo(replicaPid);
        assertThat(cluster.postmasterPid(primary).orElseThrow()).isEqualTo(primaryPid);
        awaitHealthy(timing.rejoin());
        String at = java.time.LocalDateTime.now().plusHours(2)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
        assertThat(ok(SHORT, "restart", CLUSTER, replica, "--scheduled", at, "--force").output())
                .contains("Success: restart scheduled on member " + replica);
        same(yml, "list");
        assertThat(ok(SHORT, "list").output()).contains("Scheduled restart");
        assertThat(ok(SHORT, "flush", CLUSTER, "restart", "--force").output())
                .contains("Success: flush scheduled restart for member " + replica);
        same(yml, "list");
        assertThat(ok(SHORT, "list").output()).doesNotContain("Scheduled restart");
    }

    /** edit-config from a file, from standard input, and --replace (issue 15). */
    @Test
    @Order(4)
    void editConfigAppliesAFileOrStandardInputAndReplaces() throws Exception {
        Path yml = cluster.patroniYml("node1");
        Path change = cluster.dir().resolve("ctl-apply.yml");
        Files.writeString(change, "maximum_lag_on_failover: 3145728\npostgresql:\n  parameters:\n    work_mem: 7MB\n");
        Exec.Result apply = ok(SHORT, "edit-config", "--apply", change.toString(), "--force");
        assertThat(apply.output()).contains("+maximum_lag_on_failover: 3145728").contains("+    work_mem: 7MB");
        assertThat(view.keyJson(1, "config").orElseThrow().path("maximum_lag_on_failover").asLong())
                .isEqualTo(3145728L);
        Exec.Result stdin = OurCtl.run(env, yml, SHORT, "maximum_lag_on_failover: 4194304\n", "edit-config", "--apply",
                "-", "--force");
        assertThat(stdin.exitCode()).as(stdin.output()).isZero();
        assertThat(view.keyJson(1, "config").orElseThrow().path("maximum_lag_on_failover").asLong())
                .isEqualTo(4194304L);
        same(yml, "show-config");
        // --replace: the whole key becomes the file; what is not in it is gone.
        String shown = ok(SHORT, "show-config").output();
        Path whole = cluster.dir().resolve("ctl-replace.yml");
        Files.writeString(whole, shown.lines().filter(l -> !l.startsWith("maximum_lag_on_failover:"))
                .reduce("", (a, l) -> a + l + "\n"));
        Exec.Result replace = ok(SHORT, "edit-config", "--replace", whole.toString(), "--force");
        assertThat(replace.output()).contains("-maximum_lag_on_failover: 4194304");
        assertThat(view.keyJson(1, "config").orElseThrow().path("maximum_lag_on_failover").isMissingNode()).isTrue();
        same(yml, "show-config");
    }

    @Test
    @Order(5)
    void anEncryptedClientKeyIsReadWithKeyfilePassword() throws Exception {
        Path enc = cluster.dir().resolve("ctl-encrypted.key");
        Exec.Result openssl = Exec.run(List.of("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in",
                cluster.tlsDir().resolve("ctl.key").toString(), "-out", enc.toString(), "-passout", "pass:ctl-secret"),
                Map.of(), SHORT);
        assertThat(openssl.exitCode()).as(openssl.output()).isZero();
        Path yml = variant("encrypted", y -> y.replace("  keyfile: " + cluster.tlsDir().resolve("ctl.key"),
                "  keyfile: " + enc + "\n  keyfile_password: ctl-secret"));
        assertThat(Files.readString(yml)).contains("keyfile_password: ctl-secret");
        same(yml, "version", CLUSTER);
        assertThat(ours(yml, SHORT, "version", CLUSTER).output()).doesNotContain("failed to get version");
    }

    @Test
    @Order(6)
    void withoutAClientCertificateOrWithAnotherCaBothToolsAreRefused() throws Exception {
        // Neither ctl nor restapi names a certificate: the members refuse the handshake.
        Path noCert = variant("no-cert", y -> withoutLines(y, "ctl:", "  certfile:", "  keyfile:", "  cacert:",
                "  verify_client:"));
        expectRefusedLikePatronictl(noCert, false);
        // The operator trusts another CA than the one that signed the members' certificates.
        Path otherCa = cluster.dir().resolve("other-ca.crt");
        Exec.Result ca = Exec.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=another CA", "-keyout",
                cluster.dir().resolve("other-ca.key").toString(), "-out", otherCa.toString()), Map.of(), SHORT);
        assertThat(ca.exitCode()).as(ca.output()).isZero();
        Path wrongCa = variant("wrong-ca", y -> y.replace("  cacert: " + cluster.tlsDir().resolve("ca.crt"),
                "  cacert: " + otherCa));
        expectRefusedLikePatronictl(wrongCa, false);
        // With a client certificate, -k does not turn chain verification off (urllib3's CERT_REQUIRED).
        expectRefusedLikePatronictl(wrongCa, true);
        // A mutating command that cannot reach the member ends with an error line, not a stack trace.
        Exec.Result restart = ours(noCert, SHORT, "restart", CLUSTER, "node2", "--force");
        Exec.Result theirs = Patronictl.run(noCert, SHORT, "restart", CLUSTER, "node2", "--force");
        assertThat(restart.exitCode()).as(restart.output()).isEqualTo(theirs.exitCode()).isEqualTo(1);
        assertThat(restart.output()).containsPattern("Error: https://127\\.0\\.\\d+\\.2:8008/restart: ")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    private void expectRefusedLikePatronictl(Path config, boolean insecure) {
        String[] args = insecure ? new String[] {"-k", "version", CLUSTER} : new String[] {"version", CLUSTER};
        Exec.Result[] r = both(config, args);
        assertThat(r[0].exitCode()).as(r[0].output()).isEqualTo(r[1].exitCode());
        for (String node : cluster.nodes()) {
            assertThat(r[1].output()).as("patronictl " + config.getFileName()).contains(node + ": failed to get version: ");
            assertThat(r[0].output()).as("ctl " + config.getFileName()).contains(node + ": failed to get version: https://");
        }
        assertThat(r[0].output()).doesNotContain("\tat ");
    }
}
