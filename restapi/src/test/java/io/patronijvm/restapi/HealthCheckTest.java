package io.patronijvm.restapi;

import io.patronijvm.core.status.LagLimit;
import io.patronijvm.core.status.HealthCheck;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.testkit.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts: spec 1.4's decision table, the lag parser, is_failover_possible with peers. */
class HealthCheckTest {

    private final FakeClock clock = new FakeClock();

    private int code(StatusSnapshot s, String path, String lag) {
        return HealthCheck.evaluate(s, clock.nanoTime(), HealthCheck.kindOf(path),
                lag == null ? Map.of() : Map.of("lag", List.of(lag)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1000, 1000", "1kB, 1024", "1MB, 1048576", "2GB, 2147483648", "1TB, 1099511627776", "0.5kB, 512",
        "' 16MB ', 16777216", "0, 0", "-1, -1"})
    void lagUnitsFollowPostgresMemoryUnits(String text, long bytes) {
        assertThat(LagLimit.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource({"abc", "1mb", "1 KB", "1PB", "''", "1e999999999", "1e-999999999", "99999999999999999999999TB"})
    void invalidLagMeansNoLimit(String text) {
        assertThat(LagLimit.parse(text)).isEqualTo(LagLimit.NO_LIMIT);
    }

    @Test
    void leaderOfAStandbyClusterIsStandbyLeaderNotPrimary() {
        Fixtures.Snap snap = Fixtures.Snap.replica("node1", Fixtures.LEADER_LSN, true);
        snap.role = Role.STANDBY_LEADER;
        snap.holdsLock = true;
        var d = Fixtures.config(false, false, false);
        snap.config = new io.patronijvm.core.config.DynamicConfig(d.ttl(), d.loopWait(), d.retryTimeout(),
                d.maximumLagOnFailover(), d.maximumLagOnSyncnode(), d.maxTimelinesHistory(), d.primaryStartTimeout(),
                d.primaryStopTimeout(), false, false, 1, false, false, false, true, false, Map.of(), List.of(),
                Map.of(), List.of(), Map.of("host", "10.0.0.1"), Map.of());
        StatusSnapshot s = snap.build(clock);
        assertThat(code(s, "/standby-leader", null)).isEqualTo(200);
        assertThat(code(s, "/leader", null)).isEqualTo(200);
        assertThat(code(s, "/primary", null)).isEqualTo(503);
        assertThat(code(s, "/replica", null)).isEqualTo(503);
        assertThat(code(s, "/read-only", null)).isEqualTo(200);
        assertThat(StatusJson.build(s, clock.nanoTime())).containsEntry("role", "standby_leader");
    }

    @Test
    void replicaWithoutAFreshViewCannotBeLaggingButIsNotSync() {
        Fixtures.Snap snap = Fixtures.Snap.replica("node3", 0, true);
        snap.clusterAge = Duration.ofMinutes(5);
        StatusSnapshot s = snap.build(clock);
        assertThat(code(s, "/replica", "1")).isEqualTo(200); // no leader optime known: Patroni's rule
        assertThat(code(s, "/async", null)).isEqualTo(503); // sync/async need a DCS view
        assertThat(code(s, "/read-only-sync", null)).isEqualTo(503);
    }

    @Test
    void failoverCandidatesUseThePeerClientWhenGiven() throws Exception {
        var view = Fixtures.view("node1", false, null,
                Fixtures.member("node1", "127.0.6.1", "running", Role.PRIMARY, 1L, Tags.NONE),
                Fixtures.member("node2", "127.0.6.2", "running", Role.REPLICA, 1L, Tags.NONE),
                Fixtures.member("node3", "127.0.6.3", "running", Role.REPLICA, 1L, Tags.NONE));
        AtomicReference<List<Member>> probed = new AtomicReference<>();
        PeerClient unreachable = (members, timeout) -> {
            probed.set(members);
            Map<String, PeerStatus> out = new java.util.HashMap<>();
            members.forEach(m -> out.put(m.name(), PeerStatus.unreachable(m.name())));
            return out;
        };
        FailoverCandidates c = new FailoverCandidates(unreachable, Duration.ofSeconds(1));
        assertThat(c.whyNot(view, "node1", null, "switchover"))
                .isEqualTo("switchover is not possible: no good candidates have been found");
        assertThat(probed.get()).extracting(Member::name).containsExactly("node2", "node3");
        PeerClient noFailover = (members, timeout) -> Map.of("node2",
                new PeerStatus("node2", true, false, 1, 1, true, 1, false));
        assertThat(new FailoverCandidates(noFailover, Duration.ofSeconds(1)).whyNot(view, "node1", "node2", "switchover"))
                .isEqualTo("switchover is not possible: no good candidates have been found");
        PeerClient good = (members, timeout) -> Map.of("node2",
                new PeerStatus("node2", true, false, 1, 1, false, 1, false));
        assertThat(new FailoverCandidates(good, Duration.ofSeconds(1)).whyNot(view, "node1", "node2", "switchover"))
                .isNull();
        var alone = Fixtures.view("node1", false, null,
                Fixtures.member("node1", "127.0.6.1", "running", Role.PRIMARY, 1L, Tags.NONE));
        assertThat(c.whyNot(alone, "node1", null, "switchover"))
                .isEqualTo("switchover is not possible: cluster does not have members except leader");
    }

    @Test
    void syncModeSwitchoverNeedsTheSyncStandby() throws Exception {
        var members = Fixtures.threeNodes().members().toArray(new Member[0]);
        var view = Fixtures.view("node1", false, new io.patronijvm.core.model.SyncState("node1", java.util.Set.of("node2"), 1),
                members);
        FailoverCandidates c = new FailoverCandidates(null, Duration.ofSeconds(1));
        assertThat(c.whyNot(view, "node1", "node3", "switchover"))
                .isEqualTo("candidate name does not match with sync_standby");
        assertThat(c.whyNot(view, "node1", null, "switchover")).isNull();
        var noSync = Fixtures.view("node1", false, new io.patronijvm.core.model.SyncState("node1", java.util.Set.of(), 1),
                members);
        assertThat(c.whyNot(noSync, "node1", null, "switchover"))
                .isEqualTo("switchover is not possible: can not find sync_standby");
    }

    @Test
    void patchConfigFollowsPatroniMergeRules() {
        Map<String, Object> config = ConfigPatch.deepCopy(Map.of("ttl", 30, "pause", true,
                "postgresql", Map.of("parameters", Map.of("a", "1", "b", "2"))));
        assertThat(ConfigPatch.apply(config, Map.of("ttl", "30"))).isFalse(); // compared as strings
        Map<String, Object> patch = new java.util.HashMap<>();
        patch.put("pause", null);
        patch.put("postgresql", Map.of("parameters", Map.of("a", "9")));
        assertThat(ConfigPatch.apply(config, patch)).isTrue();
        assertThat(config).doesNotContainKey("pause");
        assertThat(config.get("postgresql")).isEqualTo(Map.of("parameters", Map.of("a", "9", "b", "2")));
    }
}
