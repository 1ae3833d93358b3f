package io.patronijvm.dcs.consul;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.testkit.consul.LocalConsul;
import io.patronijvm.testkit.contract.DcsContract;
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

/** Spec section 5 checklist: the real patronictl (Patroni 3.0.2) reads and edits what we write. */
class PatronictlCompatibilityTest {

    private static final Path PATRONICTL = Path.of("/usr/bin/patronictl");
    private static LocalConsul consul;
    private static ConsulDcs n1;
    private static ConsulDcs n2;
    private static ConsulDcs n3;

    @TempDir
    Path dir;

    @BeforeAll
    static void startConsulAndWriteACluster() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PATRONICTL), "no /usr/bin/patronictl (apt-get install patroni)");
        consul = ConsulTestSupport.startOrSkip(ConsulTestSupport.THREE, null);
        n1 = ConsulTestSupport.dcs(ConsulTestSupport.config("127.0.3.1"), "compat", "node1", 30, 10);
        n2 = ConsulTestSupport.dcs(ConsulTestSupport.config("127.0.3.2"), "compat", "node2", 30, 10);
        n3 = ConsulTestSupport.dcs(ConsulTestSupport.config("127.0.3.3"), "compat", "node3", 30, 10);
        assertThat(n1.raceInitialize().ok()).isTrue();
        assertThat(n1.writeInitialize("7382937492837492837").ok()).isTrue();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ttl", 30);
        config.put("loop_wait", 10);
        config.put("retry_timeout", 10);
        config.put("maximum_lag_on_failover", 1048576);
        config.put("postgresql", Map.of("use_pg_rewind", true, "parameters", Map.of("max_connections", 100)));
        assertThat(n1.writeConfig(config, 0).ok()).isTrue();
        assertThat(n1.acquireLeader().ok()).isTrue();
        assertThat(n1.touchMember(DcsContract.memberJson("master", "127.0.3.101")).ok()).isTrue();
        assertThat(n2.touchMember(DcsContract.memberJson("replica", "127.0.3.102")).ok()).isTrue();
        assertThat(n3.touchMember(DcsContract.memberJson("replica", "127.0.3.103")).ok()).isTrue();
    }

    @AfterAll
    static void stop() {
        for (ConsulDcs d : new ConsulDcs[] {n1, n2, n3}) {
            if (d != null) {
                d.close();
            }
        }
        if (consul != null) {
            consul.close();
        }
    }

    private String patronictl(String... args) throws IOException, InterruptedException {
        Path yml = dir.resolve("patronictl.yml");
        Files.writeString(yml, "scope: compat\nnamespace: /service/\nconsul:\n  host: 127.0.3.1:8500\n");
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

    @Test
    void listShowsOurMembersWithTheirRoles() throws Exception {
        String out = patronictl("list");
        assertThat(out).containsPattern("node1\\s*\\|\\s*127\\.0\\.3\\.101(:5432)?\\s*\\|\\s*Leader\\s*\\|\\s*running");
        assertThat(out).containsPattern("node2\\s*\\|\\s*127\\.0\\.3\\.102(:5432)?\\s*\\|\\s*Replica");
        assertThat(out).containsPattern("node3\\s*\\|\\s*127\\.0\\.3\\.103(:5432)?\\s*\\|\\s*Replica");
        assertThat(out).contains("Cluster: compat"); // 3.0.2 shows the sysid only for Citus groups
    }

    @Test
    void showConfigPrintsOurConfigAndEditConfigChangesItWithCas() throws Exception {
        String shown = patronictl("show-config");
        assertThat(shown).contains("loop_wait: 10").contains("max_connections: 100").contains("use_pg_rewind: true");
        long before = n1.loadCluster().config().version();
        patronictl("edit-config", "-s", "loop_wait=7", "--force");
        ClusterView v = n2.loadCluster();
        assertThat(((Number) v.config().data().get("loop_wait")).intValue()).isEqualTo(7);
        assertThat(v.config().data()).containsEntry("ttl", 30);
        assertThat(v.config().version()).isGreaterThan(before);
        assertThat(n1.writeConfig(Map.of("ttl", 30), before).kind().name()).as("our CAS sees patronictl's write")
                .isEqualTo("CONFLICT");
    }

    @Test
    void patronictlNeverCreatesSessions() throws Exception {
        int before = sessions();
        patronictl("list");
        assertThat(sessions()).isEqualTo(before);
    }

    private int sessions() throws Exception {
        return ConsulJson.view(consul.request(0, "GET", "/v1/session/list", null).orElseThrow().body()).size();
    }
}
