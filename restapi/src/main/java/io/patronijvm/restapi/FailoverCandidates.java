package io.patronijvm.restapi;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.ha.FailoverEligibility;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Patroni's {@code is_failover_possible} (spec 1.6): null when an immediate switchover/failover
 * can go ahead, else the 412 message. A "good" candidate is reachable, has no {@code nofailover}
 * and no {@code watchdog_failed}. Reachability comes from the {@link PeerClient} when we have one,
 * otherwise from the member key saying {@code running} (the key expires with its session).
 */
final class FailoverCandidates {

    private final PeerClient peers;
    private final Duration probeTimeout;

    FailoverCandidates(PeerClient peers, Duration probeTimeout) {
        this.peers = peers;
        this.probeTimeout = probeTimeout;
    }

    String whyNot(ClusterView view, String leader, String candidate, String action) throws InterruptedException {
        if (leader != null && (view.leader() == null || !view.leader().name().equals(leader))) {
            return "leader name does not match";
        }
        // Patroni's cluster.is_synchronous_mode(): the switch itself, whether or not /sync exists yet.
        boolean syncMode = synchronousMode(view);
        List<Member> members;
        if (candidate != null) {
            if (action.equals("switchover") && syncMode && (view.sync() == null || !view.sync().matches(candidate))) {
                return "candidate name does not match with sync_standby";
            }
            members = view.member(candidate).stream().toList();
            if (members.isEmpty()) {
                return "candidate does not exists";
            }
        } else if (syncMode) {
            members = view.members().stream().filter(m -> view.sync() != null && view.sync().isSyncStandby(m.name()))
                    .toList();
            if (members.isEmpty()) {
                return action + " is not possible: can not find sync_standby";
            }
        } else {
            String leaderName = view.leader() == null ? null : view.leader().name();
            members = view.members().stream().filter(m -> FailoverEligibility.askable(m, leaderName)).toList();
            if (members.isEmpty()) {
                return action + " is not possible: cluster does not have members except leader";
            }
        }
        return anyGood(members) ? null : action + " is not possible: no good candidates have been found";
    }

    private boolean anyGood(List<Member> members) throws InterruptedException {
        if (peers == null) {
            return members.stream().anyMatch(m -> m.isRunning() && !m.tags().noFailover()
                    && !Boolean.TRUE.equals(m.extra().get("watchdog_failed")));
        }
        Map<String, PeerStatus> statuses = peers.probe(members, probeTimeout);
        return statuses.values().stream().anyMatch(FailoverEligibility::good);
    }

    /** The dynamic configuration's synchronous_mode, through the same parser the HA loop uses. */
    private static boolean synchronousMode(ClusterView view) {
        return view.config() != null && DynamicConfig.fromMap(view.config().data()).config().synchronousMode();
    }
}
