package io.patronijvm.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DynamicConfigTest {

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void emptyConfigGivesPatroniDefaults() {
        DynamicConfig.Parsed p = DynamicConfig.fromMap(Map.of());
        DynamicConfig c = p.config();
        assertThat(p.warnings()).isEmpty();
        assertThat(c.ttl()).isEqualTo(30);
        assertThat(c.loopWait()).isEqualTo(10);
        assertThat(c.retryTimeout()).isEqualTo(10);
        assertThat(c.maximumLagOnFailover()).isEqualTo(1_048_576L);
        assertThat(c.maximumLagOnSyncnode()).isEqualTo(-1L);
        assertThat(c.primaryStartTimeout()).isEqualTo(300);
        assertThat(c.primaryStopTimeout()).isZero();
        assertThat(c.synchronousMode()).isFalse();
        assertThat(c.synchronousNodeCount()).isEqualTo(1);
        assertThat(c.useSlots()).isTrue();
        assertThat(c.usePgRewind()).isFalse();
        assertThat(c.standbyCluster()).isNull();
        assertThat(DynamicConfig.fromMap(null).config().ttl()).isEqualTo(30);
    }

    @Test
    void readsEveryKnownKey() {
        Map<String, Object> raw = map("ttl", 40, "loop_wait", "5", "retry_timeout", 12,
                "maximum_lag_on_failover", 2048, "maximum_lag_on_syncnode", -1, "max_timelines_history", 7,
                "primary_start_timeout", 100, "primary_stop_timeout", 20, "synchronous_mode", "on",
                "synchronous_mode_strict", true, "synchronous_node_count", 2, "failsafe_mode", "yes",
                "check_timeline", true, "pause", false,
                "postgresql", map("use_slots", false, "use_pg_rewind", true,
                        "parameters", map("max_connections", 200, "wal_keep_size", "128MB"),
                        "pg_hba", List.of("host all all 0.0.0.0/0 md5")),
                "slots", map("keep", map("type", "physical"), "nulled", null),
                "ignore_slots", List.of(map("name", "ignored")));
        DynamicConfig.Parsed p = DynamicConfig.fromMap(raw);
        DynamicConfig c = p.config();
        assertThat(p.warnings()).isEmpty();
        assertThat(c.ttl()).isEqualTo(40);
        assertThat(c.loopWait()).isEqualTo(5);
        assertThat(c.retryTimeout()).isEqualTo(12);
        assertThat(c.maximumLagOnFailover()).isEqualTo(2048);
        assertThat(c.maxTimelinesHistory()).isEqualTo(7);
        assertThat(c.primaryStartTimeout()).isEqualTo(100);
        assertThat(c.primaryStopTimeout()).isEqualTo(20);
        assertThat(c.synchronousMode()).isTrue();
        assertThat(c.synchronousModeStrict()).isTrue();
        assertThat(c.synchronousNodeCount()).isEqualTo(2);
        assertThat(c.failsafeMode()).isTrue();
        assertThat(c.checkTimeline()).isTrue();
        assertThat(c.useSlots()).isFalse();
        assertThat(c.usePgRewind()).isTrue();
        assertThat(c.parameters()).containsEntry("max_connections", 200);
        assertThat(c.pgHba()).containsExactly("host all all 0.0.0.0/0 md5");
        assertThat(c.slots()).containsOnlyKeys("keep", "nulled");
        assertThat(c.slots().get("nulled")).containsEntry("type", "physical");
        assertThat(c.ignoreSlots()).hasSize(1);
        assertThat(c.raw()).containsKey("postgresql");
    }

    @Test
    void masterAliasesAreReadWhenPrimaryKeysAreAbsent() {
        DynamicConfig c = DynamicConfig.fromMap(map("master_start_timeout", 60, "master_stop_timeout", 5)).config();
        assertThat(c.primaryStartTimeout()).isEqualTo(60);
        assertThat(c.primaryStopTimeout()).isEqualTo(5);
        DynamicConfig both = DynamicConfig.fromMap(map("master_start_timeout", 60, "primary_start_timeout", 70)).config();
        assertThat(both.primaryStartTimeout()).isEqualTo(70);
    }

    @Test
    void quorumIsUnsupportedAndTreatedAsOn() {
        DynamicConfig.Parsed p = DynamicConfig.fromMap(map("synchronous_mode", "quorum"));
        assertThat(p.config().synchronousMode()).isTrue();
        assertThat(p.warnings()).singleElement().asString().startsWith("synchronous_mode:").contains("quorum");
    }

    @ParameterizedTest(name = "{0}: {1} falls back to {2}")
    @CsvSource({
            "ttl, 1MB, 30",
            "ttl, 30s, 30",
            "ttl, -5, 30",
            "ttl, 2, 30",
            "loop_wait, 0, 10",
            "retry_timeout, abc, 10",
            "synchronous_node_count, 0, 1",
            "maximum_lag_on_failover, -1, 1048576",
            "primary_start_timeout, 1.5, 300",
    })
    void invalidValueFallsBackToDefaultWithAWarningNamingTheKey(String key, String value, long expected) {
        DynamicConfig.Checked c = DynamicConfig.check(map(key, value));
        assertThat(c.problems()).anySatisfy(pr -> {
            assertThat(pr.path()).isEqualTo(key);
            assertThat(pr.isError()).isTrue();
            assertThat(pr.message()).contains("using the default");
        });
        Map<String, Long> got = Map.of("ttl", (long) c.config().ttl(), "loop_wait", (long) c.config().loopWait(),
                "retry_timeout", (long) c.config().retryTimeout(),
                "synchronous_node_count", (long) c.config().synchronousNodeCount(),
                "maximum_lag_on_failover", c.config().maximumLagOnFailover(),
                "primary_start_timeout", (long) c.config().primaryStartTimeout());
        assertThat(got.get(key)).isEqualTo(expected);
    }

    @Test
    void wrongBooleanFallsBackToDefault() {
        DynamicConfig.Parsed p = DynamicConfig.fromMap(map("postgresql", map("use_slots", "maybe")));
        assertThat(p.config().useSlots()).isTrue();
        assertThat(p.warnings()).singleElement().asString().startsWith("postgresql.use_slots:");
    }

    /** T2: loop_wait + 2*retry_timeout <= ttl, loop_wait reduced first. */
    @Test
    void t2ReducesLoopWaitFirst() {
        DynamicConfig.Parsed p = DynamicConfig.fromMap(map("ttl", 25, "loop_wait", 10, "retry_timeout", 10));
        assertThat(p.config().loopWait()).isEqualTo(5);
        assertThat(p.config().retryTimeout()).isEqualTo(10);
        assertThat(p.warnings()).singleElement().asString()
                .startsWith("loop_wait:").contains("retry_timeout").contains("ttl (25)").contains("reduced to 5");
    }

    /** T2: when even loop_wait 1 does not fit, loop_wait=1 and retry_timeout=(ttl-1)/2. */
    @Test
    void t2ReducesRetryTimeoutWhenLoopWaitOneIsNotEnough() {
        DynamicConfig.Checked c = DynamicConfig.check(map("ttl", 20, "loop_wait", 10, "retry_timeout", 10));
        assertThat(c.config().loopWait()).isEqualTo(1);
        assertThat(c.config().retryTimeout()).isEqualTo(9);
        assertThat(c.problems()).extracting(ConfigProblem::path).containsExactly("loop_wait", "retry_timeout");
        assertThat(c.problems()).allMatch(pr -> !pr.isError());
    }

    @Test
    void shortTestTimingsAreKeptWithAWarning() {
        DynamicConfig.Checked c = DynamicConfig.check(map("ttl", 6, "loop_wait", 1, "retry_timeout", 2));
        assertThat(c.config().ttl()).isEqualTo(6);
        assertThat(c.config().loopWait()).isEqualTo(1);
        assertThat(c.config().retryTimeout()).isEqualTo(2);
        assertThat(c.problems()).extracting(ConfigProblem::path).containsExactly("ttl", "retry_timeout");
        assertThat(c.problems()).allSatisfy(pr -> assertThat(pr.message()).contains("fine for tests only"));
    }

    @Test
    void theSmallestTtlStillSatisfiesT2() {
        DynamicConfig c = DynamicConfig.fromMap(map("ttl", 3)).config();
        assertThat(c.loopWait() + 2 * c.retryTimeout()).isLessThanOrEqualTo(c.ttl());
        assertThat(c.loopWait()).isEqualTo(1);
        assertThat(c.retryTimeout()).isEqualTo(1);
    }

    @Test
    void localOnlyPostgresqlKeysAndUnknownKeysAreWarnedAbout() {
        DynamicConfig.Checked c = DynamicConfig.check(map("postgresql", map("data_dir", "/x"), "frobnicate", 1,
                "standby_cluster", map("host", "h")));
        assertThat(c.problems()).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("postgresql.data_dir", "frobnicate", "standby_cluster");
        assertThat(c.problems()).noneMatch(ConfigProblem::isError);
        assertThat(c.config().standbyCluster()).containsEntry("host", "h");
    }
}
