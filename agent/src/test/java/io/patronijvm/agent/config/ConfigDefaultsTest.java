package io.patronijvm.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.config.WatchdogConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Spec 4.1, 4.2, 2.5: what an omitted key means. */
class ConfigDefaultsTest {

    private static PatroniConfig minimal() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL);
        assertThat(r.problems()).isEmpty();
        return r.loaded().config();
    }

    @Test
    void topLevelDefaults() {
        PatroniConfig c = minimal();
        assertThat(c.namespace()).isEqualTo("/service");
        assertThat(c.keyPrefix()).isEqualTo("service/demo/");
        assertThat(c.watchdog()).isEqualTo(WatchdogConfig.DEFAULTS); // Patroni: automatic, /dev/watchdog
        assertThat(c.logLevel()).isEqualTo("INFO");
        assertThat(c.hasBootstrapSection()).isFalse();
        assertThat(c.bootstrap()).isEqualTo(BootstrapConfig.NONE);
        assertThat(c.tags().isEmpty()).isTrue();
        assertThat(c.ctlUsername()).isNull();
    }

    @Test
    void restapiDefaults() {
        PatroniConfig c = minimal();
        assertThat(c.restapi().listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.restapi().listenPort()).isEqualTo(8008);
        assertThat(c.restapi().connectAddress()).as("connect_address falls back to a concrete listen address")
                .isEqualTo("127.0.0.1:8008");
        assertThat(c.restapi().verifyClient()).isEqualTo("none");
        assertThat(c.restapi().requestQueueSize()).isEqualTo(5);
        assertThat(c.restapi().authenticationEnabled()).isFalse();
    }

    @Test
    void consulDefaults() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL.replace("  host: 127.0.0.1:8500\n", "  dc: dc1\n"))
                .loaded().config();
        assertThat(c.consul().baseUrl()).isEqualTo("http://127.0.0.1:8500");
        assertThat(c.consul().consistency()).isEqualTo("default");
        assertThat(c.consul().verify()).isTrue();
        assertThat(c.consul().checks()).isEmpty();
        assertThat(c.consul().registerService()).isFalse();
        assertThat(c.consul().serviceCheckInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void postgresqlDefaults() {
        PatroniConfig c = minimal();
        assertThat(c.postgresql().listenAddresses()).isEqualTo("127.0.0.1");
        assertThat(c.postgresql().port()).isEqualTo(5432);
        assertThat(c.postgresql().configDir()).isEqualTo(Path.of("/var/lib/patroni-jvm/node1"));
        assertThat(c.postgresql().binDir()).isNull();
        assertThat(c.postgresql().pgpass()).isEqualTo(Path.of("/var/lib/patroni-jvm/pgpass.node1"));
        assertThat(c.postgresql().pgCtlTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.postgresql().createReplicaMethods()).containsExactly("basebackup");
        assertThat(c.postgresql().usePgRewind()).isNull();
        assertThat(c.postgresql().rewind()).isNull();
        assertThat(c.postgresql().rewindOrSuperuser().username()).isEqualTo("postgres");
        assertThat(c.postgresql().removeDataDirectoryOnRewindFailure()).isFalse();
    }

    @Test
    void bootstrapDcsDefaultsWhenAbsent() {
        LoadedConfig l = TestConfigs.load(TestConfigs.MINIMAL).loaded();
        assertThat(l.bootstrapDcs().ttl()).isEqualTo(30);
        assertThat(l.bootstrapDcs().loopWait()).isEqualTo(10);
    }

    @Test
    void listenWithSeveralHostsAndIpv6() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL
                .replace("  listen: 127.0.0.1:5432\n", "  listen: 127.0.0.1,[::1]:5433\n  connect_address: 127.0.0.1:5433\n"))
                .loaded().config();
        assertThat(c.postgresql().listenAddresses()).isEqualTo("127.0.0.1,::1");
        assertThat(c.postgresql().port()).isEqualTo(5433);
    }

    @Test
    void durationsAcceptUnits() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL.replace("  data_dir:", "  pg_ctl_timeout: 2min\n  data_dir:")
                .replace("  host: 127.0.0.1:8500\n", "  host: 127.0.0.1:8500\n  service_check_interval: 300ms\n"))
                .loaded().config();
        assertThat(c.postgresql().pgCtlTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.consul().serviceCheckInterval()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void bootstrapDcsClampIsAWarningNotAnError() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL + """
                bootstrap:
                  dcs: {ttl: 20, loop_wait: 10, retry_timeout: 10}
                """);
        assertThat(r.valid()).isTrue();
        assertThat(r.warnings()).extracting(ConfigProblem::path)
                .containsExactly("bootstrap.dcs.loop_wait", "bootstrap.dcs.retry_timeout");
        assertThat(r.loaded().bootstrapDcs().loopWait()).isEqualTo(1);
        assertThat(r.loaded().bootstrapDcs().retryTimeout()).isEqualTo(9);
    }

    @Test
    void shortTestTimingsWarnButLoad() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL + """
                bootstrap:
                  dcs: {ttl: 6, loop_wait: 1, retry_timeout: 2}
                """);
        assertThat(r.valid()).isTrue();
        assertThat(r.warnings()).extracting(ConfigProblem::toString)
                .allMatch(s -> s.contains("fine for tests only"));
        assertThat(r.loaded().bootstrapDcs().ttl()).isEqualTo(6);
    }

    @Test
    void unknownKeysWarnButLoad() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL + "frobnicate: 1\nrestapi_typo: {}\n");
        assertThat(r.valid()).isTrue();
        assertThat(r.warnings()).extracting(ConfigProblem::path).containsExactly("frobnicate", "restapi_typo");
    }

    @Test
    void localCmdlineParametersAreIgnoredWithAWarning() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL.replace("  data_dir:",
                "  parameters: {max_connections: 500, port: 6000, work_mem: 8MB}\n  data_dir:"));
        assertThat(r.warnings()).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("postgresql.parameters.max_connections", "postgresql.parameters.port");
        assertThat(r.loaded().config().postgresql().parameters()).containsOnlyKeys("work_mem");
    }

    @Test
    void watchdogSectionTakesPatronisSpellingsDriverDeviceAndMargin() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL
                + "watchdog: {mode: require, driver: testing, device: /tmp/wd.fifo, safety_margin: -1}\n");
        assertThat(r.valid()).isTrue();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.loaded().config().watchdog()).isEqualTo(
                new WatchdogConfig(WatchdogConfig.Mode.REQUIRED, "testing", "/tmp/wd.fifo", -1));
        assertThat(r.loaded().config().watchdog().timeout(20)).isEqualTo(10); // -1: ttl/2
    }

    @Test
    void noLeaderFlagCountsAsPythonTruthinessAsInPatroni() {
        // Patroni's own acceptance suite writes no_leader: '1'; basebackup never works without a leader
        String yaml = TestConfigs.MINIMAL + """
                  create_replica_methods: [restore, basebackup]
                  restore: {command: /bin/true, no_leader: '1'}
                """;
        LoadResult r = TestConfigs.load(yaml);
        assertThat(r.valid()).as("%s", r.errors()).isTrue();
        assertThat(io.patronijvm.core.ha.LocalSettings.from(r.loaded().config(),
                io.patronijvm.core.config.DynamicConfig.defaults()).cloneWithoutLeader()).isTrue();
        LoadResult off = TestConfigs.load(TestConfigs.MINIMAL + """
                  create_replica_methods: [restore]
                  restore: {command: /bin/true, no_leader: ''}
                """);
        assertThat(io.patronijvm.core.ha.LocalSettings.from(off.loaded().config(),
                io.patronijvm.core.config.DynamicConfig.defaults()).cloneWithoutLeader()).isFalse();
    }

    @Test
    void watchdogOffAsYamlFalseAndAnUnknownDriverIsAnError() {
        assertThat(TestConfigs.load(TestConfigs.MINIMAL + "watchdog: {mode: off}\n").loaded().config().watchdogMode())
                .isEqualTo("off");
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL + "watchdog: {driver: ioctl}\n");
        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("watchdog.driver"));
    }

    @Test
    void conflictingFailoverTagsKeepNofailoverAndWarn() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL + "tags: {nofailover: false, failover_priority: 0, zone: a}\n");
        assertThat(r.warnings()).singleElement().asString().startsWith("tags.failover_priority:");
        assertThat(r.loaded().config().tags().noFailover()).isFalse();
        assertThat(r.loaded().config().tags().all()).containsEntry("zone", "a").doesNotContainKey("failover_priority");
    }

    @Test
    void yamlOneOneBooleansInTagsBecomeBooleans() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL + "tags: {nofailover: 'yes', nosync: off}\n")
                .loaded().config();
        assertThat(c.tags().all()).containsEntry("nofailover", true).as("a false one is dropped, as in Patroni")
                .doesNotContainKey("nosync");
    }

    @Test
    void legacyRestapiAuth() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL.replace("  listen: 127.0.0.1:8008\n",
                "  listen: 127.0.0.1:8008\n  auth: 'admin:secret'\n")).loaded().config();
        assertThat(c.restapi().username()).isEqualTo("admin");
        assertThat(c.restapi().password()).isEqualTo("secret");
    }

    @Test
    void customReplicaMethodNeedsACommand() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL.replace("  data_dir:",
                "  create_replica_methods: [wal_g, basebackup]\n  basebackup: [{max-rate: 100M}, {host: x}]\n  data_dir:"));
        assertThat(r.errors()).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("postgresql.wal_g", "postgresql.basebackup[1]");
    }

    @Test
    void yamlNullAndCapitalisedBooleansReadAsPyYamlDoes() {
        PatroniConfig c = TestConfigs.load(TestConfigs.MINIMAL.replace("  listen: 127.0.0.1:8008\n",
                "  listen: 127.0.0.1:8008\n  certfile: ~\n  allowlist_include_members: True\n")).loaded().config();
        assertThat(c.restapi().tls()).isFalse();
        assertThat(c.restapi().allowlistIncludeMembers()).isTrue();
    }

    @Test
    void loadedConfigNeverPrintsPasswords() {
        LoadedConfig l = TestConfigs.load(TestConfigs.MINIMAL.replace("username: postgres",
                "username: postgres\n      password: hunter2")).loaded();
        assertThat(l.config().postgresql().superuser().password()).isEqualTo("hunter2");
        assertThat(l.toString()).doesNotContain("hunter2");
        assertThat(l.config().postgresql().superuser().toString()).doesNotContain("hunter2");
    }
}
