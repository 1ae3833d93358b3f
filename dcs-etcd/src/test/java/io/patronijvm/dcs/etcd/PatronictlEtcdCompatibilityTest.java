package io.patronijvm.dcs.etcd;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.testkit.contract.DcsContract;
import io.patronijvm.testkit.etcd.LocalEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec section 5 on etcd: the real patronictl (Patroni 3.0.2, {@code etcd3:} section) reads and edits what we write. */
class PatronictlEtcdCompatibilityTest {

    private static final Path PATRONICTL = Path.of("/usr/bin/patronictl");
    private static LocalEtcd etcd;
    private static final List<EtcdDcs> NODES = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startEtcdAndWriteACluster() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PATRONICTL), "no /usr/bin/patronictl (apt-get install patroni)");
        etcd = EtcdTestSupport.startOrSkip();
        for (int i = 1; i <= 3; i++) {
            NODES.add(EtcdTestSupport.dcs(List.of(etcd.clientUrl(i - 1)), "compat", "node" + i, 30, 10));
        }
        EtcdDcs n1 = NODES.get(0);
        assertThat(n1.raceInitialize().ok()).isTrue();
        assertThat(n1.writeInitialize("7382937492837492837").ok()).isTrue();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ttl", 30);
        config.put("loop_wait", 10);
        config.put("retry_timeout", 10);
        config.put("postgresql", Map.of("use_pg_rewind", true, "parameters", Map.of("max_connections", 100)));
        assertThat(n1.writeConfig(config, 0).ok()).isTrue();
        assertThat(n1.acquireLeader().ok()).isTrue();
        assertThat(n1.touchMember(DcsContract.memberJson("master", "127.0.4.101")).ok()).isTrue();
        assertThat(NODES.get(1).touchMember(DcsContract.memberJson("replica", "127.0.4.102")).ok()).isTrue();
        assertThat(NODES.get(2).touchMember(DcsContract.memberJson("replica", "127.0.4.103")).ok()).isTrue();
    }

    @AfterAll
    static void stop() {
        NODES.forEach(EtcdDcs::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    private String patronictl(String... args) throws IOException, InterruptedException {
        Path yml = dir.resolve("patronictl.yml");
        Files.writeString(yml, "scope: compat\nnamespace: /service/\netcd3:\n  hosts: "
                + String.join(",", etcd.addresses().stream().map(a -> a + ":2379").toList()) + "\n");
        List<String> cmd = new ArrayList<>(List.of(PATRONICTL.toString(), "-c", yml.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("patronictl " + String.join(" ", args) + " did not finish within 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("$ patronictl " + String.join(" ", args) + " (exit " + p.exitValue() + ")\n" + out);
        assertThat(p.exitValue()).as("exit code of patronictl %s; output:%n%s", String.join(" ", args), out).isZero();
        return out;
    }

    private static int leases() throws Exception {
        return EtcdJson.tree(etcd.post(0, "/v3/lease/leases", "{}").orElseThrow()).path("leases").size();
    }

    @Test
    void listShowsOurMembersWithTheirRolesAndCreatesNoLease() throws Exception {
        int before = leases();
        String out = patronictl("list");
        assertThat(out).containsPattern("node1\\s*\\|\\s*127\\.0\\.4\\.101(:5432)?\\s*\\|\\s*Leader\\s*\\|\\s*running");
        assertThat(out).containsPattern("node2\\s*\\|\\s*127\\.0\\.4\\.102(:5432)?\\s*\\|\\s*Replica");
        assertThat(out).containsPattern("node3\\s*\\|\\s*127\\.0\\.4\\.103(:5432)?\\s*\\|\\s*Replica");
        assertThat(leases()).as("patronictl grants no lease").isEqualTo(before);
    }

    @Test
    void editConfigChangesOurConfigWithCompareAndSet() throws Exception {
        long before = NODES.get(0).loadCluster().config().version();
        patronictl("edit-config", "-s", "loop_wait=7", "--force");
        ClusterView v = NODES.get(1).loadCluster();
        assertThat(((Number) v.config().data().get("loop_wait")).intValue()).isEqualTo(7);
        assertThat(v.config().data()).containsEntry("ttl", 30);
        assertThat(v.config().version()).isGreaterThan(before);
        assertThat(NODES.get(0).writeConfig(Map.of("ttl", 30), before).kind().name())
                .as("our CAS sees patronictl's write").isEqualTo("CONFLICT");
    }
}
