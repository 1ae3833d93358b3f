package io.patronijvm.core.ha;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.Upstream;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Small derived facts about one {@link HaInput}, shared by the rule classes. Pure. */
final class Facts {

    private static final Set<String> PRIMARY_CONTROL_STATES =
            Set.of("in production", "in crash recovery", "shutting down", "shut down");

    private Facts() {
    }

    /**
     * PostgreSQL might be accepting writes: it answers as primary, or a postmaster runs that we
     * cannot query and that is not a standby. Used for fencing, where a false "no" is unsafe.
     */
    static boolean mightBeWritable(LocalPgState pg) {
        return pg.isPrimary() || (pg.postmasterRunning() && !pg.acceptsConnections() && !pg.standbySignal());
    }

    /** R33: pg_controldata says the cluster was a primary (clean or not) and there is no standby.signal. */
    static boolean controlSaysPrimary(LocalPgState pg) {
        return pg.controlState() != null && PRIMARY_CONTROL_STATES.contains(pg.controlState()) && !pg.standbySignal();
    }

    static long secondsToNanos(long s) {
        return s * 1_000_000_000L;
    }

    /** {@code nowNanos - since > seconds}, overflow-safe; false when {@code since} is NEVER. */
    static boolean olderThan(HaInput in, long sinceNanos, long seconds) {
        return sinceNanos != Memory.NEVER && in.nowNanos() - sinceNanos > secondsToNanos(seconds);
    }

    /** R55: slot name of a member: lowercased, {@code -} and {@code .} to {@code _}, others to {@code u%04x}, max 63. */
    static String slotName(String member) {
        StringBuilder b = new StringBuilder();
        for (char c : member.toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
                b.append(c);
            } else if (c == '-' || c == '.') {
                b.append('_');
            } else {
                b.append(String.format("u%04x", (int) c));
            }
        }
        return b.length() > 63 ? b.substring(0, 63) : b.toString();
    }

    /** Host and port of a member's {@code conn_url}, as an upstream using our slot (R20, R55). */
    static Upstream upstreamOf(HaInput in, Member m) {
        if (m == null || m.connUrl() == null || m.connUrl().isBlank()) {
            return Upstream.NOBODY;
        }
        // A host name Java's URI rejects (member_1) is still a host to Patroni and to libpq.
        String slot = in.config().useSlots() ? slotName(in.self()) : null;
        return io.patronijvm.core.model.MemberUrl.parse(m.connUrl(), 5432)
                .map(u -> new Upstream(m.name(), u.host(), u.port(), slot))
                .orElse(Upstream.NOBODY);
    }

    /**
     * Whom this replica should stream from (R20): nobody with {@code nostream}; the running member named by
     * our {@code replicatefrom} tag; else the leader.
     */
    static Upstream wantedUpstream(HaInput in, Member leader) {
        if (in.selfTags().noStream()) {
            return Upstream.NOBODY;
        }
        if (followsRemote(in)) {
            return remoteUpstream(in);                                                               // R59
        }
        Optional<String> from = in.selfTags().replicateFrom();
        if (from.isPresent() && !from.get().equals(in.self()) && in.view() != null) {
            Optional<Member> m = in.view().member(from.get()).filter(Member::isRunning);
            if (m.isPresent()) {
                return upstreamOf(in, m.get());
            }
        }
        return upstreamOf(in, leader);
    }

    /** The standby cluster we are part of (R59), or null. */
    static io.patronijvm.core.config.StandbyCluster standby(HaInput in) {
        return in.config().standby();
    }

    /**
     * R59, Patroni's {@code _get_node_to_follow}: in a standby cluster the lock holder, and every
     * member while nobody holds the lock, follows the remote primary; the others follow the holder.
     */
    static boolean followsRemote(HaInput in) {
        return standby(in) != null && (in.view() == null || !in.view().isLocked() || in.holdsLock()
                || in.viewSaysLeader());
    }

    /** The remote primary of our standby cluster. */
    static Upstream remoteUpstream(HaInput in) {
        io.patronijvm.core.config.StandbyCluster sc = standby(in);
        return Upstream.remote(sc.host(), sc.port(), sc.primarySlotName());
    }

    /** Whether PostgreSQL already streams from (or is configured for) {@code wanted}. */
    static boolean follows(LocalPgState pg, Upstream wanted) {
        if (wanted.isNobody()) {
            return pg.upstreamHost() == null || pg.upstreamHost().isBlank();
        }
        return wanted.host().equals(pg.upstreamHost()) && wanted.port() == pg.upstreamPort();
    }

    /** The leader's member entry, or null. */
    static Member leaderMember(HaInput in) {
        ClusterView v = in.view();
        return v == null ? null : v.leaderMember().orElse(null);
    }

    /** Synchronous mode is on and a {@code /sync} leader is set (R23.10). */
    static boolean syncModeActive(HaInput in) {
        return FailoverEligibility.syncModeActive(in.view(), in.config().synchronousMode());
    }

    /**
     * The highest timeline number the cluster is known to have used (docs/rules.md, "Timelines"):
     * the {@code history} key (each entry names a timeline that ended, so its successor was used
     * too), the timelines in the member keys, those of the last view that had a leader (members
     * whose keys expired since), and our own. A promotion goes above it, so two nodes that
     * promote from the same point can never end on the same timeline number.
     */
    static int highestKnownTimeline(HaInput in) {
        int max = in.pg().timeline();
        if (in.view() != null) {
            for (var h : in.view().history()) {
                max = Math.max(max, h.timeline() + 1);
            }
            for (Member m : in.view().members()) {
                max = Math.max(max, m.tl().orElse(0));
            }
        }
        for (Member m : in.memory().lastLockedMembers()) {
            max = Math.max(max, m.tl().orElse(0));
        }
        return max;
    }

    /** The role we publish, to speak about ourselves in messages and callbacks. */
    static Role callbackRole(HaInput in) {
        return in.pg().isPrimary() ? Role.PRIMARY : Role.REPLICA;
    }

    /**
     * R23.11: everyone the leader race must ask, Patroni's {@code old_cluster.members} + failsafe
     * members + current members. The current view alone is not enough: after an outage long enough
     * to expire every session, the member keys of nodes that are still alive (and maybe far ahead)
     * are gone, and a node that asked only the current view would find nobody to compare with.
     * One entry per name, the freshest data winning (current over failsafe over remembered); in
     * name order so probes and decisions are deterministic. Filtering is left to {@link #raceCandidates}.
     */
    static List<Member> knownMembers(HaInput in) {
        Map<String, Member> byName = new TreeMap<>();
        for (Member m : in.memory().lastLockedMembers()) {
            byName.put(m.name(), m);
        }
        Map<String, String> failsafe = in.view().failsafe();
        if (in.config().failsafeMode() && failsafe != null) {
            failsafe.forEach((name, api) -> byName.put(name, new Member(name, null, 0, null, api, null, null, null,
                    null, null, null, null, false, false, null, null)));
        }
        for (Member m : in.view().members()) {
            byName.put(m.name(), m);
        }
        return List.copyOf(byName.values());
    }

    /** Members of {@code view} a leader race or failover may consider: not us, with an api_url, without nofailover. */
    static List<Member> raceCandidates(HaInput in, List<Member> from) {
        return from.stream().filter(m -> FailoverEligibility.mayTakeOver(m, in.self())).toList();
    }

    /** Candidates whose status we have not probed yet in this cycle. */
    static List<Member> unprobed(HaInput in, List<Member> candidates) {
        return candidates.stream().filter(m -> !in.peers().containsKey(m.name())).toList();
    }

    /** A probed peer is a good candidate ({@link FailoverEligibility#good}). */
    static boolean usable(PeerStatus st) {
        return FailoverEligibility.good(st);
    }

    static Failover failover(HaInput in) {
        Failover f = in.view() == null ? null : in.view().failover();
        return f == null || f.isEmpty() ? null : f;
    }
}
