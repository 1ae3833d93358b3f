package io.patronijvm.dcs.consul;

import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.core.ha.LeaseMath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Spec 2.6: service name, tags and health check exactly as Patroni registers them. */
class ConsulServiceRegistrarTest {

    @Test
    void serviceNameIsTheScopeLowercasedWithOddCharactersReplaced() {
        assertThat(ConsulServiceRegistrar.serviceName("My_Cluster.prod 1")).isEqualTo("my-cluster-prod-1");
        assertThat(ConsulServiceRegistrar.serviceName("a+b")).isEqualTo("au0043b");
        assertThat(ConsulServiceRegistrar.serviceName("x".repeat(300))).hasSize(230);
    }

    @Test
    void primaryGetsMasterAndPrimaryTagsAndIsCheckedOnSlashPrimary() {
        ConsulConfig base = ConsulConfig.local("127.0.3.1", 8500);
        ConsulConfig cfg = new ConsulConfig("http", "127.0.3.1", 8500, null, true, null, null, null, null, "default",
                List.of(), true, List.of("dc-a"), Duration.ofSeconds(5), null);
        try (ConsulTransport t = new ConsulTransport(base, Sleeper.SYSTEM, Duration.ofSeconds(3))) {
            ConsulServiceRegistrar r = new ConsulServiceRegistrar(t, cfg, "Pg_Main", "node1");
            Map<String, Object> body = r.body(new ServiceRegistration("master", "running",
                    "postgres://127.0.0.11:5432/postgres", "http://127.0.0.11:8008/patroni"), "master", 15_000);
            assertThat(body).containsEntry("Name", "pg-main").containsEntry("ID", "Pg_Main/node1")
                    .containsEntry("Address", "127.0.0.11").containsEntry("Port", 5432)
                    .containsEntry("Tags", List.of("dc-a", "master", "primary"));
            assertThat(body.get("Check")).isEqualTo(Map.of("HTTP", "http://127.0.0.11:8008/primary",
                    "Interval", "5s", "DeregisterCriticalServiceAfter", "150s"));
            Map<String, Object> replica = r.body(new ServiceRegistration("replica", "running",
                    "postgres://127.0.0.12:5432/postgres", "http://127.0.0.12:8008/patroni"), "replica", 15_000);
            assertThat(replica.get("Tags")).isEqualTo(List.of("dc-a", "replica"));
            assertThat(((Map<?, ?>) replica.get("Check")).get("HTTP")).isEqualTo("http://127.0.0.12:8008/replica");
        }
    }

    @Test
    void sessionTtlIsHalfTheTtlAndGoDurationsParse() {
        assertThat(ConsulSession.goDuration(LeaseMath.sessionTtlMillis(30))).isEqualTo("15s");
        assertThat(ConsulSession.goDuration(LeaseMath.sessionTtlMillis(25))).isEqualTo("12.5s");
        assertThat(ConsulSession.goDuration(LeaseMath.sessionTtlMillis(1))).isEqualTo("1s");
        assertThat(ConsulSession.parseGoDuration("10s")).isEqualTo(10);
        assertThat(ConsulSession.parseGoDuration("1m0s")).isEqualTo(60);
        assertThat(ConsulSession.parseGoDuration("1.5s")).isEqualTo(2);
    }
}
