package io.patronijvm.core.ha;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerStatus;

import java.util.List;

/**
 * {@code is_healthiest_node} (R23) and {@code is_failover_possible} (R30): may this node race for
 * the lock, and is some other node able to take over. Peer statuses come from
 * {@link HaInput#peers()}; when some are missing the answer is {@link Verdict.Kind#PROBE}.
 */
final class Healthiest {

    private Healthiest() {
    }

    /** R23, the checks in the spec's order; the first that applies decides. */
    static Verdict isHealthiest(HaInput in) {
        ClusterView v = in.view();
        Failover f = Facts.failover(in);
        boolean paused = in.paused();
        if (prePromoteFailedRecently(in)) {
            return Verdict.no("pre_promote script failed less than ttl ago");                       // R23.1
        }
        if (paused && !in.selfTags().noFailover() && f != null && f.scheduledAt() == null) {
            return orNo(FailoverRules.noLeaderFailover(in, f));                                      // R23.2
        }
        if (in.pg().runState() == io.patronijvm.core.pg.PgRunState.STARTING) {
            return Verdict.no("postgres is still starting");                                        // R23.3
        }
        if (in.pg().isPrimary()) {                                                                   // R23.4
            if (paused) {
                return !v.hasInitializeKey() || v.initialize().equals(in.pg().sysid())
                        ? Verdict.yes("running primary in pause")
                        : Verdict.no("system id does not match the initialize key");
            }
            int clusterTl = v.clusterTimeline();
            return in.pg().timeline() >= clusterTl ? Verdict.yes("primary on the cluster timeline")
                    : Verdict.no("my timeline " + in.pg().timeline() + " is behind the cluster timeline " + clusterTl);
        }
        if (paused) {
            return Verdict.no("paused");                                                             // R23.5
        }
        if (in.selfTags().noFailover()) {
            return Verdict.no("tagged nofailover");                                                 // R23.6
        }
        if (f != null) {                                                                             // R23.7
            if (f.hasLeader() && Facts.syncModeActive(in) && !v.sync().matches(in.self())) {
                return Verdict.no("switchover in synchronous mode and I am not a synchronous standby");
            }
            return orNo(FailoverRules.noLeaderFailover(in, f));
        }
        if (!in.memory().watchdog().healthy()) {
            return Verdict.no("Watchdog device is not usable");                                      // R23.8
        }
        if (in.config().failsafeMode() && v.failsafe() != null && !v.failsafe().isEmpty()
                && !v.failsafe().containsKey(in.self())) {
            return Verdict.no("failsafe mode is on and I am not in /failsafe");                     // R23.9
        }
        List<Member> members = Facts.knownMembers(in);                                              // R23.11
        if (Facts.syncModeActive(in)) {                                                              // R23.10
            if (!v.sync().matches(in.self())) {
                return Verdict.no("synchronous mode is on and I am not a synchronous standby");
            }
            members = members.stream().filter(m -> v.sync().matches(m.name())).toList();
        }
        return compareWithPeers(in, members, true);                                                  // R23.11
    }

    /** R21/R23.1: the last pre_promote failed less than ttl seconds ago. */
    static boolean prePromoteFailedRecently(HaInput in) {
        long at = in.memory().prePromoteFailedAtNanos();
        return at != Memory.NEVER && !Facts.olderThan(in, at, in.config().ttl());
    }

    /** A manual-failover answer of "not applicable" counts as no (Patroni: {@code None or False}). */
    private static Verdict orNo(Verdict v) {
        return v == null ? Verdict.no("manual failover does not apply") : v;
    }

    /**
     * R23.11 {@code _is_healthiest_node}: lag and timeline of our own position, then every reachable
     * candidate: a primary blocks, a higher WAL position wins, equal position and higher
     * failover_priority wins.
     */
    static Verdict compareWithPeers(HaInput in, List<Member> members, boolean checkLag) {
        ClusterView v = in.view();
        long mine = in.pg().walPosition();
        if (checkLag && v.status().optime() - mine > in.config().maximumLagOnFailover()) {
            return Verdict.no("my WAL position " + mine + " lags the last known leader position "
                    + v.status().optime() + " by more than maximum_lag_on_failover");
        }
        if (in.config().checkTimeline() && in.pg().timeline() < v.clusterTimeline()) {
            return Verdict.no("my timeline " + in.pg().timeline() + " is behind the cluster timeline "
                    + v.clusterTimeline());
        }
        List<Member> candidates = Facts.raceCandidates(in, members);
        List<Member> missing = Facts.unprobed(in, candidates);
        if (!missing.isEmpty()) {
            return Verdict.probe(missing);
        }
        String formerLeader = formerLeader(in);
        for (Member m : candidates) {
            PeerStatus st = in.peers().get(m.name());
            if (!Facts.usable(st)) {
                continue;
            }
            if (st.primary()) {
                return Verdict.no("Primary (" + m.name() + ") is still alive");
            }
            if (st.walPosition() > mine) {
                boolean formerSyncLeader = Facts.syncModeActive(in) && m.name().equals(v.sync().leader());
                if (!formerSyncLeader) {
                    return Verdict.no("WAL position of " + m.name() + " is ahead of mine");
                }
            } else if (st.walPosition() == mine && st.failoverPriority() > in.selfTags().failoverPriority()
                    && !m.name().equals(formerLeader)) {
                return Verdict.no(m.name() + " has the same WAL position and a higher failover_priority");
            }
        }
        return Verdict.yes("I am the healthiest node");
    }

    private static String formerLeader(HaInput in) {
        Failover f = Facts.failover(in);
        if (f != null && f.hasLeader()) {
            return f.leader();
        }
        return in.view().sync() == null ? null : in.view().sync().leader();
    }

    /**
     * R30 {@code is_failover_possible}: some other member is healthy enough to take over. In
     * synchronous mode only /sync members qualify, except for a failover (no leader named).
     * With a named candidate only that candidate counts (unless {@code excludeCandidate}).
     */
    static Verdict isFailoverPossible(HaInput in, boolean excludeCandidate) {
        ClusterView v = in.view();
        Failover f = Facts.failover(in);
        List<Member> candidates = FailoverEligibility.candidates(v, in.self(), in.config().synchronousMode(), f).stream()
                .filter(m -> !(excludeCandidate && f != null && m.name().equals(f.candidate()))).toList();
        List<Member> missing = Facts.unprobed(in, candidates);
        if (!missing.isEmpty()) {
            return Verdict.probe(missing);
        }
        for (Member m : candidates) {
            PeerStatus st = in.peers().get(m.name());
            if (!Facts.usable(st)) {
                continue;
            }
            if (v.status().optime() - st.walPosition() > in.config().maximumLagOnFailover()) {
                continue;
            }
            if (in.config().checkTimeline() && (st.timeline() == 0 || st.timeline() < v.clusterTimeline())) {
                continue;
            }
            return Verdict.yes(m.name() + " can take over");
        }
        return Verdict.no(candidates.isEmpty() ? "candidates list is empty" : "no healthy members found");
    }
}
