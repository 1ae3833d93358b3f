package io.patronijvm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.core.config.PatroniConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The shipped examples under config/ must load with no problem at all. */
class ExampleConfigsTest {

    @ParameterizedTest
    @ValueSource(strings = {"member_1.yml", "member_2.yml", "member_3.yml", "single-node.yml"})
    void exampleLoadsWithoutErrorsOrWarnings(String file) {
        LoadResult r = new ConfigLoader(Map.of()).loadFile(TestConfigs.repoRoot().resolve("config").resolve(file));
        assertThat(r.problems()).as("problems of %s", file).isEmpty();
        assertThat(r.valid()).isTrue();
    }

    @Test
    void memberExampleIsTheThreeNodeSeedCluster() {
        PatroniConfig c = new ConfigLoader(Map.of())
                .loadFile(TestConfigs.repoRoot().resolve("config/member_2.yml")).loaded().config();
        assertThat(c.scope()).isEqualTo("demo");
        assertThat(c.name()).isEqualTo("member_2");
        assertThat(c.keyPrefix()).isEqualTo("service/demo/");
        assertThat(c.restapi().apiUrl()).isEqualTo("http://member_2:8008/patroni");
        assertThat(c.consul().baseUrl()).isEqualTo("http://consul:8500");
        assertThat(c.postgresql().connUrl()).isEqualTo("postgres://member_2:5432/postgres");
        assertThat(c.postgresql().pgpass()).isEqualTo(Path.of("/data/pgpass.member_2"));
        assertThat(c.bootstrap().users()).containsKey("admin");
        assertThat(c.bootstrap().initdb()).hasSize(2);
        assertThat(c.tags().noFailover()).isFalse();
    }

    /** docker/patroni.yml is completed by docker-compose.yml's environment and docker/secrets/patroni.env. */
    @Test
    void dockerConfigIsValidWithTheComposeEnvironment() {
        Map<String, String> env = Map.of("PATRONI_NAME", "member1", "PATRONI_CONSUL_URL", "http://consul1:8500",
                "PATRONI_RESTAPI_CONNECT_ADDRESS", "member1:8008",
                "PATRONI_POSTGRESQL_CONNECT_ADDRESS", "member1:5432",
                "PATRONI_SUPERUSER_PASSWORD", "postgres-password",
                "PATRONI_REPLICATION_PASSWORD", "replicator-password",
                "PATRONI_REWIND_PASSWORD", "rewind-password",
                "PATRONI_RESTAPI_USERNAME", "patroni", "PATRONI_RESTAPI_PASSWORD", "rest-password",
                "PATRONI_CONSUL_TOKEN", "0b5c2f9e-0000-4000-a000-000000000001");
        LoadResult r = new ConfigLoader(env).loadFile(TestConfigs.repoRoot().resolve("docker/patroni.yml"));
        assertThat(r.errors()).isEmpty();
        PatroniConfig c = r.loaded().config();
        assertThat(c.consul().host()).isEqualTo("consul1");
        assertThat(c.consul().token()).isEqualTo("0b5c2f9e-0000-4000-a000-000000000001");
        assertThat(c.postgresql().superuser().password()).isEqualTo("postgres-password");
        assertThat(c.postgresql().rewind().password()).isEqualTo("rewind-password");
        assertThat(c.restapi().username()).isEqualTo("patroni");
        assertThat(c.restapi().password()).isEqualTo("rest-password");
    }
}
