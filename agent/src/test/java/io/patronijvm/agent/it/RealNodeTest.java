package io.patronijvm.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patronijvm.pg.OsUser;
import io.patronijvm.pg.PgBinaries;
import io.patronijvm.testkit.consul.LocalConsul;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The done-when: the agent runs real nodes end to end against a real Consul 1.8.7 and
 * real PostgreSQL. Node 1 bootstraps and becomes the primary (R15, R16), node 2 clones with
 * pg_basebackup and streams from it (R17), then node 1 is shut down the SIGTERM way and node 2
 * takes over (R63: the leader releases the lock after a replica has its shutdown checkpoint).
 */
class RealNodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalConsul consul;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure leaves the PostgreSQL logs to read
    static Path tmp;

    @BeforeAll
    static void consul() throws Exception {
        assumeFalse(OsUser.isRoot(), "PostgreSQL refuses to run as root: run these tests as the postgres user");
        assumeTrue(System.getenv(PgBinaries.ENV_BIN) != null || java.nio.file.Files.isDirectory(Path.of("/usr/lib/postgresql")),
                "no PostgreSQL binaries (set " + PgBinaries.ENV_BIN + ")");
        Optional<Path> bin = LocalConsul.findBinary();
        assumeTrue(bin.isPresent(), "no consul binary (set PATRONI_JVM_CONSUL_BIN)");
        consul = LocalConsul.start(bin.get(), List.of(ItNodes.CONSUL), ItNodes.timeout(30));
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    @Test
    void bootstrapsClonesAndHandsOverOnShutdown() throws Exception {
        try (ItNodes nodes = new ItNodes(tmp)) {
            long t0 = System.nanoTime();
            ItNodes.Node a = nodes.start(1);
            await("node1 bootstraps and serves /primary").atMost(ItNodes.timeout(90)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(ItNodes.status(a.host, "/primary"))
                            .as("GET /primary on node1 (exit code %s)", a.exitCode.get()).isEqualTo(200));
            long bootstrapped = System.nanoTime();
            assertThat(kv("leader")).as("consul leader key").isEqualTo("node1");
            // The member key is written by the cycle's publish step, which may run just after the REST
            // snapshot already says primary (Patroni too answers /primary before touch_member runs).
            await("members/node1 says master and running").atMost(ItNodes.timeout(10))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        String raw = kv("members/node1");
                        assertThat(raw).as("members/node1").isNotNull();
                        JsonNode member = JSON.readTree(raw);
                        assertThat(member.path("role").asText()).as("members/node1 %s", member).isEqualTo("master");
                        assertThat(member.path("state").asText()).as("members/node1 %s", member).isEqualTo("running");
                    });
            assertThat(kv("initialize")).as("initialize holds the sysid").matches("\\d{10,}");

            ItNodes.Node b = nodes.start(2);
            await("node2 clones and streams").atMost(ItNodes.timeout(90)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(ItNodes.status(b.host, "/replica")).as("GET /replica on node2 (exit %s)",
                                b.exitCode.get()).isEqualTo(200);
                        assertThat(ItNodes.streamingReplicas(a.host)).as("node1's pg_stat_replication")
                                .contains("node2");
                    });
            long streaming = System.nanoTime();
            await("members/node2 says replica").atMost(ItNodes.timeout(10)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        String raw = kv("members/node2");
                        assertThat(raw).as("members/node2").isNotNull();
                        assertThat(JSON.readTree(raw).path("role").asText()).as("members/node2 %s", raw)
                                .isEqualTo("replica");
                    });

            long stopAt = System.nanoTime();
            a.daemon.close(); // the SIGTERM path
            long stopped = System.nanoTime();
            a.thread.join(ItNodes.timeout(10).toMillis()); // run() has returned; its caller records the code
            assertThat(a.exitCode.get()).as("node1's exit code after a requested shutdown").isZero();
            await("node2 takes over").atMost(ItNodes.timeout(60)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        assertThat(ItNodes.status(b.host, "/primary")).as("GET /primary on node2").isEqualTo(200);
                        assertThat(kv("leader")).isEqualTo("node2");
                    });
            long tookOver = System.nanoTime();
            // As Patroni: the session is left to expire by its TTL, and the member key with it, so a
            // node that is back within the TTL finds its replication slot still kept by the leader.
            assertThat(kv("members/node1")).as("node1's member key stays until its session expires").isNotNull();
            System.out.printf("TIMING bootstrap to /primary 200: %d ms; node2 start to streaming: %d ms; "
                            + "node1 graceful shutdown: %d ms; shutdown request to node2 /primary 200: %d ms%n",
                    ms(bootstrapped - t0), ms(streaming - bootstrapped), ms(stopped - stopAt), ms(tookOver - stopAt));
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** The raw value of {@code service/wire-it/<key>}, or null when absent. */
    private static String kv(String key) {
        Optional<HttpResponse<String>> r = consul.request(0, "GET", "/v1/kv/service/" + ItNodes.SCOPE + "/" + key
                + "?raw", null);
        return r.filter(x -> x.statusCode() == 200).map(HttpResponse::body).orElse(null);
    }
}
