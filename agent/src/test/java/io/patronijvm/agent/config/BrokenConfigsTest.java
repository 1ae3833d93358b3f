package io.patronijvm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.core.config.ConfigProblem;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each broken file is refused with an error naming the exact YAML path and saying what is wrong. */
class BrokenConfigsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "missing-scope.yml | scope | is required",
            "restapi-port-out-of-range.yml | restapi.listen | out of range 1..65535",
            "relative-data-dir.yml | postgresql.data_dir | must be an absolute path",
            "ttl-as-size.yml | bootstrap.dcs.ttl | not an integer number of seconds",
            "bin-dir-without-initdb.yml | postgresql.bin_dir | has no executable initdb",
            "restapi-wrong-type.yml | restapi | must be a map",
            "initdb-forbidden-option.yml | bootstrap.initdb[2] | 'pgdata' is set by patroni-jvm",
            "etcd-only.yml | etcd | not supported by patroni-jvm yet",
            "two-dcs-sections.yml | zookeeper | not supported by patroni-jvm yet",
            "bad-users.yml | bootstrap.users.admin | must be a map",
            "bad-users.yml | bootstrap.users.app.password | is required",
            "bad-verify-client.yml | restapi.verify_client | not one of none, optional, required",
            "consul-port-out-of-range.yml | consul.port | out of range 1..65535",
            "bad-consistency.yml | consul.consistency | not one of default, consistent, stale",
            "missing-replication-user.yml | postgresql.authentication.replication.username | is required",
            "watchdog-bad-mode.yml | watchdog.mode | is not one of off, automatic, required",
            "bad-pg-ctl-timeout.yml | postgresql.pg_ctl_timeout | is not a duration",
            "wildcard-connect-address.yml | postgresql.connect_address | binds all addresses",
            "listen-not-a-port.yml | postgresql.listen | no valid port",
    })
    void brokenFileIsRefusedWithAnErrorNamingThePath(String file, String path, String what) {
        LoadResult r = new ConfigLoader(Map.of()).loadFile(TestConfigs.broken(file));
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).as("errors of %s", file)
                .anySatisfy(p -> {
                    assertThat(p.path()).isEqualTo(path);
                    assertThat(p.message()).contains(what);
                    assertThat(p.toString()).startsWith(path + ": ");
                });
    }

    @ParameterizedTest
    @CsvSource({"etcd-only.yml", "two-dcs-sections.yml"})
    void onlyOneDcsSectionNamingConsulIsAccepted(String file) {
        LoadResult r = new ConfigLoader(Map.of()).loadFile(TestConfigs.broken(file));
        assertThat(r.errors()).extracting(ConfigProblem::toString).anyMatch(s -> s.contains("consul"));
    }

    @org.junit.jupiter.api.Test
    void malformedYamlIsOneProblemWithLineAndColumn() {
        LoadResult r = new ConfigLoader(Map.of()).loadFile(TestConfigs.broken("malformed.yml"));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.isError()).isTrue();
            assertThat(p.message()).contains("malformed YAML").contains("malformed.yml").contains("line 6, column ");
        });
    }

    @org.junit.jupiter.api.Test
    void missingFileIsOneClearProblem() {
        LoadResult r = new ConfigLoader(Map.of()).loadFile(java.nio.file.Path.of("/nonexistent/patroni.yml"));
        assertThat(r.problems()).singleElement().asString().contains("/nonexistent/patroni.yml").contains("no such file");
    }

    @org.junit.jupiter.api.Test
    void everyProblemOfAFileIsReportedAtOnce() {
        LoadResult r = TestConfigs.load("""
                name: n
                restapi: {listen: "127.0.0.1:0", verify_client: bogus}
                consul: {port: 0}
                postgresql: {listen: "127.0.0.1:5432", data_dir: rel}
                """);
        assertThat(r.errors()).extracting(ConfigProblem::path).contains("scope", "restapi.listen",
                "restapi.verify_client", "consul.port", "postgresql.data_dir",
                "postgresql.authentication.superuser.username", "postgresql.authentication.replication.username");
    }

    @org.junit.jupiter.api.Test
    void duplicateKeyIsRefusedWithItsLine() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL + "scope: again\n");
        assertThat(r.problems()).singleElement().asString().contains("duplicate key scope").contains("line 15");
    }

    @org.junit.jupiter.api.Test
    void topLevelListIsRefused() {
        LoadResult r = TestConfigs.load("- a\n- b\n");
        assertThat(r.problems()).singleElement().asString().contains("must hold a map");
    }

    @org.junit.jupiter.api.Test
    void missingSectionsNameEachRequiredKey() {
        LoadResult r = TestConfigs.load("scope: demo\nname: n\nconsul: {host: 127.0.0.1}\n");
        assertThat(r.errors()).extracting(ConfigProblem::path).containsExactlyInAnyOrder("restapi.listen",
                "postgresql.listen", "postgresql.data_dir", "postgresql.authentication.superuser.username",
                "postgresql.authentication.replication.username");
    }

    @org.junit.jupiter.api.Test
    void aSectionOfTheWrongTypeIsOneProblem() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL.replace("restapi:\n  listen: 127.0.0.1:8008\n", "restapi: 8008\n"));
        assertThat(r.errors()).singleElement().asString().isEqualTo("restapi: must be a map of keys to values, found a number");
    }
}
