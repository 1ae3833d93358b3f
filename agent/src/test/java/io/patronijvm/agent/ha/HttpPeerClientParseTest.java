package io.patronijvm.agent.ha;

import io.patronijvm.core.peer.PeerStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** R23.11: what the race needs from a peer's {@code GET /patroni} answer, for the body shapes Patroni 3.x and 4.x send. */
class HttpPeerClientParseTest {

    @Test
    void patroni3PrimaryNamedMasterWithXlogLocation() {
        PeerStatus s = HttpPeerClient.parse("a", 200, """
                {"state":"running","role":"master","server_version":150004,"xlog":{"location":67108992},
                 "timeline":3,"patroni":{"version":"3.0.2","scope":"demo"}}""");
        assertThat(s.reachable()).isTrue();
        assertThat(s.primary()).isTrue();
        assertThat(s.walPosition()).isEqualTo(67108992L);
        assertThat(s.timeline()).isEqualTo(3);
    }

    @Test
    void patroni4PrimaryNamedPrimary() {
        PeerStatus s = HttpPeerClient.parse("a", 200, """
                {"state":"running","role":"primary","xlog":{"location":100},"timeline":1}""");
        assertThat(s.primary()).isTrue();
        assertThat(s.walPosition()).isEqualTo(100L);
    }

    @Test
    void replicaReportsTheHigherOfReceivedAndReplayed() {
        PeerStatus s = HttpPeerClient.parse("b", 200, """
                {"state":"running","role":"replica","xlog":{"received_location":500,"replayed_location":420,
                 "replayed_timestamp":null,"paused":false},"timeline":2,"tags":{"failover_priority":3}}""");
        assertThat(s.reachable()).isTrue();
        assertThat(s.primary()).isFalse();
        assertThat(s.walPosition()).isEqualTo(500L);
        assertThat(s.failoverPriority()).isEqualTo(3);
        assertThat(s.noFailover()).isFalse();
    }

    @Test
    void anXlogLocationMakesAPrimaryWhateverTheRoleSays() {
        // Patroni's _is_healthiest_node treats "xlog.location present" as "not in recovery".
        PeerStatus s = HttpPeerClient.parse("b", 200, """
                {"state":"running","role":"replica","xlog":{"location":9}}""");
        assertThat(s.primary()).isTrue();
    }

    @Test
    void missingXlogIsUnreachable() {
        PeerStatus s = HttpPeerClient.parse("c", 503, """
                {"state":"stopped","role":"replica","patroni":{"version":"3.3.1"}}""");
        assertThat(s.reachable()).isFalse();
    }

    @Test
    void a503WithAnXlogBodyStillCounts() {
        // Patroni answers 503 on /patroni while PostgreSQL is not healthy, with a usable body.
        PeerStatus s = HttpPeerClient.parse("c", 503, """
                {"state":"running","role":"replica","xlog":{"received_location":7,"replayed_location":7}}""");
        assertThat(s.reachable()).isTrue();
        assertThat(s.walPosition()).isEqualTo(7L);
    }

    @Test
    void nofailoverAndWatchdogFailedAreReported() {
        PeerStatus s = HttpPeerClient.parse("d", 200, """
                {"role":"replica","xlog":{"replayed_location":1},"tags":{"nofailover":true},"watchdog_failed":true}""");
        assertThat(s.noFailover()).isTrue();
        assertThat(s.watchdogFailed()).isTrue();
    }

    @Test
    void garbageAndNonObjectsAreUnreachable() {
        assertThat(HttpPeerClient.parse("e", 200, "not json").reachable()).isFalse();
        assertThat(HttpPeerClient.parse("e", 200, "[1,2]").reachable()).isFalse();
        assertThat(HttpPeerClient.parse("e", 200, "").reachable()).isFalse();
        assertThat(HttpPeerClient.parse("e", 200, "").name()).isEqualTo("e");
    }
}
