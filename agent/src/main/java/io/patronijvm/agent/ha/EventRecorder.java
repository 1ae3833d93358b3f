package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.Reason;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.status.HaEvent;

import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what the loop decided and did into {@link HaEvent}s for the {@link EventLog}: the
 * decisions that change who is primary (or why a node is not one any more), pause and resume of
 * the cluster, and every role change. Steady-state reasons ("no action") are not events, and a
 * reason that repeats cycle after cycle (a DCS outage, say) is recorded once, when it starts.
 */
public final class EventRecorder {

    private static final Map<Reason, String> KINDS = new EnumMap<>(Reason.class);

    static {
        KINDS.put(Reason.PROMOTING_HELD_LOCK, "promotion");
        for (Reason r : List.of(Reason.DEMOTED_LOCK_LOST, Reason.DEMOTED_NOT_HOLDER, Reason.DCS_UNAVAILABLE_DEMOTE,
                Reason.PRIMARY_START_TIMEOUT, Reason.ASYNC_LOST_LEADER, Reason.RECOVER_FAILOVER,
                Reason.DATA_DIR_EMPTY_RELEASED_LOCK, Reason.PAUSED_RELEASED_LOCK, Reason.PRE_PROMOTE_FAILED)) {
            KINDS.put(r, "demotion");
        }
        KINDS.put(Reason.SWITCHOVER_DEMOTE, "switchover");
        KINDS.put(Reason.FAILSAFE_ACTIVE, "failsafe");
        KINDS.put(Reason.BOOTSTRAP_STARTED, "bootstrap");
        KINDS.put(Reason.ADOPTED_EXISTING_DATA, "bootstrap");
        KINDS.put(Reason.PAUSED_PRIMARY_ACQUIRES, "promotion");
        KINDS.put(Reason.REWINDING, "rewind");
        KINDS.put(Reason.REINITIALIZING_DIVERGED, "reinitialize");
        KINDS.put(Reason.REINITIALIZING_AFTER_REWIND_FAILURE, "reinitialize");
        KINDS.put(Reason.REINITIALIZING_REQUESTED, "reinitialize");
        KINDS.put(Reason.RESTARTING, "restart");
        KINDS.put(Reason.RECOVER_START_PRIMARY, "recovery");
        KINDS.put(Reason.SHUTDOWN, "shutdown");
        KINDS.put(Reason.SYSID_MISMATCH, "fatal");
        KINDS.put(Reason.REPLICA_WITHOUT_PRIMARY, "fatal");
    }

    private final String member;
    private final EventLog log;
    private Set<Reason> lastCycle = EnumSet.noneOf(Reason.class);
    private Boolean paused;

    public EventRecorder(String member, EventLog log) {
        this.member = member;
        this.log = log;
    }

    public EventLog log() {
        return log;
    }

    /**
     * One finished cycle (HA thread only): the decisions of all its rounds, the view it read (null
     * when the DCS did not answer) and PostgreSQL's timeline.
     */
    public void cycle(Instant at, ClusterView view, List<Decision> decisions, int timeline) {
        if (view != null) {
            boolean p = view.isPaused();
            if (paused != null && p != paused) {
                log.add(new HaEvent(at, member, p ? "pause" : "resume", p ? "PAUSED" : "RESUMED",
                        p ? "maintenance mode on: no automatic failover" : "maintenance mode off", timeline));
            }
            paused = p;
        }
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        for (Decision d : decisions) {
            seen.add(d.reason());
            String kind = kind(d.reason(), view);
            if (kind != null && !lastCycle.contains(d.reason())) {
                log.add(new HaEvent(at, member, kind, d.reason().name(), d.message(), timeline));
            }
        }
        lastCycle = seen;
    }

    /** A role change the loop published (any thread), with the transition table's explanation. */
    public void roleChanged(Instant at, Role from, Role to, String why, int timeline) {
        log.add(new HaEvent(at, member, "role", from.wire() + " -> " + to.wire(), why, timeline));
    }

    /** Decision 3: the provable lease ran out and the timer fenced PostgreSQL. */
    public void leaseLapsed(Instant at, int timeline) {
        log.add(new HaEvent(at, member, "demotion", "LEASE_LAPSED",
                "demoted self because the leader lease could not be renewed", timeline));
    }

    /**
     * A won race is a failover when nobody asked for it, a switchover when the failover key named
     * a leader to leave, a manual failover when it named only a candidate.
     */
    static String kind(Reason r, ClusterView view) {
        if (r == Reason.PROMOTED_BY_ACQUIRING_LOCK) {
            Failover f = view == null ? null : view.failover();
            if (f == null || f.isEmpty()) {
                return "failover";
            }
            return f.hasLeader() ? "switchover" : "manual failover";
        }
        return KINDS.get(r);
    }
}
