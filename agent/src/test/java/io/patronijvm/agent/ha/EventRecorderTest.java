package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.Reason;
import io.patronijvm.core.model.ClusterConfig;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.status.HaEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 18: which decisions become events, how they are named, and that the log stays bounded. */
class EventRecorderTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private final EventLog log = new EventLog(5);
    private final EventRecorder rec = new EventRecorder("node2", log);

    private static ClusterView view(boolean paused, Failover failover) {
        Map<String, Object> cfg = paused ? Map.of("ttl", 30, "pause", true) : Map.of("ttl", 30);
        return new ClusterView("7312345678901234567", new ClusterConfig(cfg, 1), null, List.of(), failover, null,
                List.of(), 0, ClusterStatus.EMPTY, null, 1);
    }

    private static Decision d(Reason r, String message) {
        return Decision.of(r, message);
    }

    @Test
    void aWonRaceIsAFailoverUnlessTheFailoverKeyAskedForIt() {
        assertThat(EventRecorder.kind(Reason.PROMOTED_BY_ACQUIRING_LOCK, view(false, null))).isEqualTo("failover");
        assertThat(EventRecorder.kind(Reason.PROMOTED_BY_ACQUIRING_LOCK,
                view(false, new Failover("node1", "node2", null, 3)))).isEqualTo("switchover");
        assertThat(EventRecorder.kind(Reason.PROMOTED_BY_ACQUIRING_LOCK,
                view(false, new Failover(null, "node2", null, 3)))).isEqualTo("manual failover");
        assertThat(EventRecorder.kind(Reason.SWITCHOVER_DEMOTE, null)).isEqualTo("switchover");
        assertThat(EventRecorder.kind(Reason.DEMOTED_LOCK_LOST, null)).isEqualTo("demotion");
        assertThat(EventRecorder.kind(Reason.FOLLOWING_LEADER, null)).as("steady state is no event").isNull();
        assertThat(EventRecorder.kind(Reason.LEADER_RENEWED, null)).isNull();
    }

    @Test
    void recordsTheRoundsOfACycleWithTheirMessageAndTimeline() {
        rec.cycle(T, view(false, null), List.of(d(Reason.PROBING_PEERS, "probing"),
                d(Reason.PROMOTED_BY_ACQUIRING_LOCK, "promoted self to leader by acquiring session lock")), 2);
        assertThat(log.recent()).containsExactly(new HaEvent(T, "node2", "failover", "PROMOTED_BY_ACQUIRING_LOCK",
                "promoted self to leader by acquiring session lock", 2));
    }

    @Test
    void aReasonRepeatedCycleAfterCycleIsOneEventUntilItStops() {
        for (int i = 0; i < 4; i++) {
            rec.cycle(T.plusSeconds(i), null, List.of(d(Reason.DCS_UNAVAILABLE_DEMOTE, "demoting: DCS down")), 1);
        }
        rec.cycle(T.plusSeconds(5), view(false, null), List.of(d(Reason.FOLLOWING_LEADER, "following")), 1);
        rec.cycle(T.plusSeconds(6), null, List.of(d(Reason.DCS_UNAVAILABLE_DEMOTE, "demoting: DCS down")), 1);
        assertThat(log.recent()).extracting(HaEvent::at).containsExactly(T, T.plusSeconds(6));
    }

    @Test
    void pauseAndResumeAreEdgesOfTheClusterFlag() {
        rec.cycle(T, view(false, null), List.of(), 1);
        rec.cycle(T.plusSeconds(1), view(true, null), List.of(), 1);
        rec.cycle(T.plusSeconds(2), view(true, null), List.of(), 1);
        rec.cycle(T.plusSeconds(3), null, List.of(), 1); // DCS silent: no edge either way
        rec.cycle(T.plusSeconds(4), view(false, null), List.of(), 1);
        assertThat(log.recent()).extracting(HaEvent::kind).containsExactly("pause", "resume");
    }

    @Test
    void roleChangesAndALapsedLeaseAreEvents() {
        rec.roleChanged(T, Role.REPLICA, Role.PROMOTED, "acquired the lock, promoting", 1);
        rec.leaseLapsed(T.plusSeconds(1), 2);
        assertThat(log.recent()).extracting(HaEvent::kind, HaEvent::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("role", "replica -> promoted"),
                        org.assertj.core.groups.Tuple.tuple("demotion", "LEASE_LAPSED"));
    }

    @Test
    void theLogKeepsOnlyTheNewest() {
        for (int i = 0; i < 12; i++) {
            rec.roleChanged(T.plusSeconds(i), Role.REPLICA, Role.PROMOTED, "x", 1);
        }
        assertThat(log.recent()).hasSize(5).extracting(HaEvent::at).first().isEqualTo(T.plusSeconds(7));
    }
}
