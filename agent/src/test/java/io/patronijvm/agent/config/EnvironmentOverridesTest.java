package io.patronijvm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.PatroniConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Spec 4.4: PATRONI_* variables override the YAML. */
class EnvironmentOverridesTest {

    private static Map<String, String> fullEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATRONI_SCOPE", "envcluster");
        env.put("PATRONI_NAME", "envnode");
        env.put("PATRONI_NAMESPACE", "/db/");
        env.put("PATRONI_RESTAPI_LISTEN", "127.0.0.2:8008");
        env.put("PATRONI_RESTAPI_USERNAME", "api");
        env.put("PATRONI_RESTAPI_PASSWORD", "api-secret");
        env.put("PATRONI_RESTAPI_ALLOWLIST", "127.0.0.0/8, 10.0.0.1");
        env.put("PATRONI_RESTAPI_ALLOWLIST_INCLUDE_MEMBERS", "on");
        env.put("PATRONI_RESTAPI_HTTP_EXTRA_HEADERS", "{X-Frame-Options: DENY}");
        env.put("PATRONI_RESTAPI_VERIFY_CLIENT", "none");
        env.put("PATRONI_CTL_USERNAME", "ctl");
        env.put("PATRONI_CTL_PASSWORD", "ctl-secret");
        env.put("PATRONI_CONSUL_HOST", "127.0.0.3:8501");
        env.put("PATRONI_CONSUL_TOKEN", "tok");
        env.put("PATRONI_CONSUL_REGISTER_SERVICE", "true");
        env.put("PATRONI_CONSUL_SERVICE_TAGS", "[a, b]");
        env.put("PATRONI_CONSUL_CHECKS", "serfHealth");
        env.put("PATRONI_CONSUL_CONSISTENCY", "stale");
        env.put("PATRONI_POSTGRESQL_LISTEN", "127.0.0.2:5432");
        env.put("PATRONI_POSTGRESQL_DATA_DIR", "/var/lib/pg/envnode");
        env.put("PATRONI_POSTGRESQL_PGPASS", "/var/lib/pg/pgpass");
        env.put("PATRONI_POSTGRESQL_BIN_PG_CTL", "pg_ctl16");
        env.put("PATRONI_SUPERUSER_USERNAME", "postgres");
        env.put("PATRONI_SUPERUSER_PASSWORD", "su-secret");
        env.put("PATRONI_SUPERUSER_SSLMODE", "require");
        env.put("PATRONI_REPLICATION_USERNAME", "replicator");
        env.put("PATRONI_REPLICATION_PASSWORD", "repl-secret");
        env.put("PATRONI_REWIND_USERNAME", "rewinder");
        env.put("PATRONI_ADMIN_PASSWORD", "admin-secret");
        env.put("PATRONI_ADMIN_OPTIONS", "createdb,createrole");
        env.put("PATRONI_LOG_LEVEL", "WARNING");
        return env;
    }

    @Test
    void aConfigEntirelyFromTheEnvironmentWorks() {
        LoadResult r = new ConfigLoader(fullEnvironment()).load(null);
        assertThat(r.errors()).isEmpty();
        PatroniConfig c = r.loaded().config();
        assertThat(r.loaded().source()).isEqualTo("environment");
        assertThat(c.scope()).isEqualTo("envcluster");
        assertThat(c.name()).isEqualTo("envnode");
        assertThat(c.keyPrefix()).isEqualTo("db/envcluster/");
        assertThat(c.restapi().listenHost()).isEqualTo("127.0.0.2");
        assertThat(c.restapi().username()).isEqualTo("api");
        assertThat(c.restapi().password()).isEqualTo("api-secret");
        assertThat(c.restapi().allowlist()).containsExactly("127.0.0.0/8", "10.0.0.1");
        assertThat(c.restapi().allowlistIncludeMembers()).isTrue();
        assertThat(c.restapi().httpExtraHeaders()).containsEntry("X-Frame-Options", "DENY");
        assertThat(c.ctlUsername()).isEqualTo("ctl");
        assertThat(c.ctlPassword()).isEqualTo("ctl-secret");
        assertThat(c.consul().host()).isEqualTo("127.0.0.3");
        assertThat(c.consul().port()).isEqualTo(8501);
        assertThat(c.consul().token()).isEqualTo("tok");
        assertThat(c.consul().registerService()).isTrue();
        assertThat(c.consul().serviceTags()).containsExactly("a", "b");
        assertThat(c.consul().checks()).containsExactly("serfHealth");
        assertThat(c.consul().consistency()).isEqualTo("stale");
        assertThat(c.postgresql().dataDir()).isEqualTo(Path.of("/var/lib/pg/envnode"));
        assertThat(c.postgresql().pgpass()).isEqualTo(Path.of("/var/lib/pg/pgpass"));
        assertThat(c.postgresql().binNames()).containsEntry("pg_ctl", "pg_ctl16");
        assertThat(c.postgresql().superuser().password()).isEqualTo("su-secret");
        assertThat(c.postgresql().superuser().options()).containsEntry("sslmode", "require");
        assertThat(c.postgresql().replication().username()).isEqualTo("replicator");
        assertThat(c.postgresql().rewind().username()).isEqualTo("rewinder");
        assertThat(c.bootstrap().users()).containsOnlyKeys("admin");
        assertThat(c.bootstrap().users().get("admin").password()).isEqualTo("admin-secret");
        assertThat(c.bootstrap().users().get("admin").options()).containsExactly("createdb", "createrole");
        assertThat(c.logLevel()).isEqualTo("WARN");
    }

    @Test
    void environmentOverridesTheFileKeyByKey() {
        Map<String, String> env = Map.of("PATRONI_NAME", "other", "PATRONI_POSTGRESQL_LISTEN", "127.0.0.1:6543",
                "PATRONI_CONSUL_URL", "https://127.0.0.9:8443");
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL, env).loaded().config();
        assertThat(c.name()).isEqualTo("other");
        assertThat(c.scope()).isEqualTo("demo");
        assertThat(c.postgresql().port()).isEqualTo(6543);
        assertThat(c.postgresql().dataDir()).as("siblings of an overridden key stay")
                .isEqualTo(Path.of("/var/lib/patroni-jvm/node1"));
        assertThat(c.consul().baseUrl()).as("url wins over host").isEqualTo("https://127.0.0.9:8443");
    }

    @Test
    void patroniConfigurationVariableHoldsTheWholeYaml() {
        Map<String, String> env = Map.of(ConfigLoader.CONFIGURATION_VARIABLE, TestConfigs.MINIMAL,
                "PATRONI_NAME", "fromenv");
        LoadResult r = new ConfigLoader(env).load(null);
        assertThat(r.errors()).isEmpty();
        assertThat(r.loaded().source()).isEqualTo("PATRONI_CONFIGURATION");
        assertThat(r.loaded().config().name()).isEqualTo("fromenv");
    }

    @Test
    void listsAcceptBracketsOrNone() {
        for (String value : List.of("a,b", "[a, b]", "- a\n- b")) {
            PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL, Map.of("PATRONI_CONSUL_SERVICE_TAGS", value))
                    .loaded().config();
            assertThat(c.consul().serviceTags()).as(value).containsExactly("a", "b");
        }
    }

    @Test
    void badEnvironmentValuesNameTheVariableOrKey() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL, Map.of("PATRONI_CONSUL_VERIFY", "perhaps",
                "PATRONI_CONSUL_PORT", "eighty", "PATRONI_RESTAPI_REQUEST_QUEUE_SIZE", "many"));
        assertThat(r.errors()).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("PATRONI_CONSUL_VERIFY", "consul.port", "restapi.request_queue_size");
    }

    @Test
    void otherDcsVariablesCreateTheirSectionAndAreRefused() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL, Map.of("PATRONI_ETCD3_HOSTS", "127.0.0.1:2379"));
        assertThat(r.errors()).extracting(ConfigProblem::path).contains("etcd3");
    }

    @Test
    void consulPortVariableBeatsThePortInHost() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL, Map.of("PATRONI_CONSUL_PORT", "8600"))
                .loaded().config();
        assertThat(c.consul().port()).isEqualTo(8600);
    }

    @Test
    void unrelatedVariablesAreNotTakenForUsers() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL, Map.of("PATRONI_RESTAPI_PASSWORD", "x",
                "PATRONI_RESTAPI_USERNAME", "u", "PATRONI_JVM_PG_BIN", "/usr/lib/postgresql/15/bin",
                "PATH", "/bin")).loaded().config();
        assertThat(c.bootstrap().users()).isEmpty();
    }

    @Test
    void childProcessesDoNotInheritPatroniSecrets() {
        Map<String, String> child = ConfigLoader.childEnvironment(Map.of("PATRONI_SUPERUSER_PASSWORD", "x",
                "PATRONI_CONFIGURATION", "scope: a", "PATRONI_JVM_PG_BIN", "/usr/lib/postgresql/15/bin", "PATH", "/bin"));
        assertThat(child).containsOnlyKeys("PATRONI_JVM_PG_BIN", "PATH");
    }
}
