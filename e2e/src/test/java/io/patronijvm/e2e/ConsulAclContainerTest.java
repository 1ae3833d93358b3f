package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.dcs.consul.ConsulDcs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The Consul ACL setup docker-compose.yml ships (issue 14), driven from JUnit through
 * Testcontainers over podman's Docker API: a Consul 1.8.7 server from the local image with the
 * ACL configuration docker/init-secrets writes (default deny, a master token), then the
 * compose file's own docker/consul-acl.sh run inside it. Our Consul adapter takes the leader key
 * with the agents' token, and without a token sees no key and cannot race, so the policy the script creates is
 * enough for the agent.
 *
 * <p>Off unless {@code -De2e.containers=true} ({@code scripts/compose testcontainers} sets it,
 * with DOCKER_HOST at a {@code podman system service} socket and Ryuk disabled). No port is
 * published: the test talks to the container's address on podman's network.
 */
@EnabledIfSystemProperty(named = "e2e.containers", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulAclContainerTest {

    private static final String IMAGE = System.getProperty("e2e.consulImage", "localhost/patroni-jvm/consul:1.8.7");
    private final String master = UUID.randomUUID().toString();
    private final String agentToken = UUID.randomUUID().toString();
    private final Path script = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent()
            .resolve("docker/consul-acl.sh");
    private GenericContainer<?> consul;

    @BeforeAll
    void start() {
        consul = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withEnv("CONSUL_LOCAL_CONFIG", "{\"acl\":{\"enabled\":true,\"default_policy\":\"deny\","
                        + "\"enable_token_persistence\":true,\"tokens\":{\"master\":\"" + master + "\",\"agent\":\""
                        + master + "\"}}}")
                .withCommand("agent", "-server", "-bootstrap-expect=1", "-client=0.0.0.0",
                        "-hcl=disable_update_check=true")
                .withCopyFileToContainer(MountableFile.forHostPath(script), "/consul-acl.sh")
                .waitingFor(Wait.forLogMessage(".*cluster leadership acquired.*", 1)
                        .withStartupTimeout(Duration.ofSeconds(90)));
        consul.start();
    }

    @AfterAll
    void stop() {
        if (consul != null) {
            consul.stop();
        }
    }

    private String address() {
        return consul.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    }

    private ConsulDcs dcs(String token, String name) {
        ConsulConfig cfg = new ConsulConfig("http", address(), 8500, token, true, null, null, null, null, "default",
                List.of(), false, List.of(), Duration.ofSeconds(5), null);
        return new ConsulDcs(cfg, "/service", "demo", name, MonotonicClock.SYSTEM, Sleeper.SYSTEM, 10, 3);
    }

    @Test
    void theAgentIsRefusedWithoutATokenAndLeadsWithTheTokenConsulAclShCreates() throws Exception {
        String accessor = UUID.randomUUID().toString();
        ExecResult run = consul.execInContainer("/bin/sh", "-c", "CONSUL_HTTP_ADDR=http://127.0.0.1:8500"
                + " CONSUL_HTTP_TOKEN=" + master + " PATRONI_CONSUL_TOKEN=" + agentToken
                + " PATRONI_CONSUL_TOKEN_ACCESSOR=" + accessor + " sh /consul-acl.sh");
        assertThat(run.getExitCode()).as(run.getStdout() + run.getStderr()).isZero();
        // Idempotent: a second `up` runs the job again.
        ExecResult again = consul.execInContainer("/bin/sh", "-c", "CONSUL_HTTP_ADDR=http://127.0.0.1:8500"
                + " CONSUL_HTTP_TOKEN=" + master + " PATRONI_CONSUL_TOKEN=" + agentToken
                + " PATRONI_CONSUL_TOKEN_ACCESSOR=" + accessor + " sh /consul-acl.sh");
        assertThat(again.getExitCode()).as(again.getStdout() + again.getStderr()).isZero();

        try (ConsulDcs agent = dcs(agentToken, "member1"); ConsulDcs anonymous = dcs(null, "intruder")) {
            assertThat(agent.loadCluster().leader()).isNull();
            assertThat(agent.acquireLeader().ok()).as("leader race with the agents' token").isTrue();
            ClusterView view = agent.loadCluster();
            assertThat(view.leader()).isNotNull();
            assertThat(view.leader().name()).isEqualTo("member1");
            // Without a token Consul filters the keys out of a read (no leader visible) and refuses
            // the session a leader race needs.
            assertThat(anonymous.loadCluster().leader()).isNull();
            var refused = anonymous.acquireLeader();
            assertThat(refused.ok()).isFalse();
            assertThat(refused.detail()).containsIgnoringCase("permission denied");
            assertThat(agent.loadCluster().leader().name()).isEqualTo("member1");
            assertThat(agent.releaseLeader(view.leader()).ok()).isTrue();
        }
    }
}
