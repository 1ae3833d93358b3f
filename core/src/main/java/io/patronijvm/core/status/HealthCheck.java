package io.patronijvm.core.status;

import java.util.List;
import java.util.Map;

/**
 * The health-check decision of spec 1.4, as a pure function of the snapshot, the monotonic
 * time of the request, the path and the query. Paths are matched exactly with their documented
 * aliases (decision 5), not by substring.
 *
 * <p>In core, not in the REST API module: the simulator asks every node what its {@code /primary}
 * would answer through this same function (its invariant "never two nodes whose health endpoint
 * says primary").
 *
 * <p>Decision 3: {@code lock} is {@link StatusSnapshot#holdsLease(long)} evaluated at request
 * time, so a leader whose lease ran out answers 503 even if its loop is stuck and never
 * publishes another snapshot.
 */
public final class HealthCheck {

    /** Which health rule a path selects. */
    public enum Kind { PRIMARY, LEADER, STANDBY_LEADER, REPLICA, READ_ONLY, HEALTH, SYNC, ASYNC, READ_ONLY_SYNC }

    private static final Map<String, Kind> PATHS = Map.ofEntries(
            Map.entry("/", Kind.PRIMARY),
            Map.entry("/primary", Kind.PRIMARY),
            Map.entry("/master", Kind.PRIMARY),
            Map.entry("/read-write", Kind.PRIMARY),
            Map.entry("/leader", Kind.LEADER),
            Map.entry("/standby-leader", Kind.STANDBY_LEADER),
            Map.entry("/standby_leader", Kind.STANDBY_LEADER),
            Map.entry("/replica", Kind.REPLICA),
            Map.entry("/read-only", Kind.READ_ONLY),
            Map.entry("/health", Kind.HEALTH),
            Map.entry("/sync", Kind.SYNC),
            Map.entry("/synchronous", Kind.SYNC),
            Map.entry("/async", Kind.ASYNC),
            Map.entry("/asynchronous", Kind.ASYNC),
            Map.entry("/read-only-sync", Kind.READ_ONLY_SYNC),
            Map.entry("/read-only-synchronous", Kind.READ_ONLY_SYNC));

    private HealthCheck() {
    }

    /** The rule for an exact path, or null for an unknown path (which answers 503). */
    public static Kind kindOf(String path) {
        return PATHS.get(path);
    }

    public static int evaluate(StatusSnapshot s, long nowNanos, Kind kind, Map<String, List<String>> query) {
        if (kind == null) {
            return 503;
        }
        StatusFacts f = StatusFacts.of(s, nowNanos);
        int replica = replicaCode(s, f, query);
        int leader;
        int primary;
        int standbyLeader;
        if (!f.freshView() && s.paused()) {
            // Paused without a DCS view: nobody can hold a provable lock, PostgreSQL's role decides.
            leader = ok(f.role().equals("master") || f.role().equals("standby_leader"));
            primary = ok(f.role().equals("master"));
            standbyLeader = ok(f.role().equals("standby_leader"));
        } else if (s.holdsLease(nowNanos)) {
            leader = 200;
            if (StatusFacts.isStandbyCluster(s.config())) {
                primary = 503;
                replica = 503;
                standbyLeader = ok(f.role().equals("replica") || f.role().equals("standby_leader"));
            } else {
                primary = 200;
                standbyLeader = 503;
            }
        } else {
            leader = primary = standbyLeader = 503;
        }
        int code = switch (kind) {
            case PRIMARY -> primary;
            case LEADER -> leader;
            case STANDBY_LEADER -> standbyLeader;
            case REPLICA -> replica;
            case READ_ONLY -> primary == 200 || standbyLeader == 200 ? 200 : replica;
            case HEALTH -> ok("running".equals(f.state()));
            case SYNC -> f.freshView() && f.syncStandby() ? replica : 503;
            case ASYNC -> f.freshView() && !f.syncStandby() ? replica : 503;
            case READ_ONLY_SYNC -> !f.freshView() ? 503
                    : primary == 200 || standbyLeader == 200 ? 200
                    : f.syncStandby() ? replica : 503;
        };
        boolean tagsApply = kind != Kind.PRIMARY && kind != Kind.LEADER && kind != Kind.STANDBY_LEADER;
        return code == 200 && tagsApply && !tagsMatch(s, query) ? 503 : code;
    }

    private static int replicaCode(StatusSnapshot s, StatusFacts f, Map<String, List<String>> query) {
        long leaderOptime = f.freshView() ? s.cluster().status().optime() : 0;
        long maxLag = LagLimit.parse(first(query, "lag"));
        boolean lagging = leaderOptime > 0 && maxLag != LagLimit.NO_LIMIT
                && leaderOptime - f.replayedLocation() > maxLag;
        boolean noLoadBalance = s.tags() != null && s.tags().noLoadBalance();
        return ok(!noLoadBalance && !lagging && "replica".equals(f.role()) && "running".equals(f.state()));
    }

    /** Every {@code tag_<k>=<v>} must equal the node's tag k (non-strings lower-cased, spec 1.4). */
    private static boolean tagsMatch(StatusSnapshot s, Map<String, List<String>> query) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!e.getKey().startsWith("tag_") || e.getValue().isEmpty()) {
                continue;
            }
            String key = e.getKey().substring(4);
            String want = e.getValue().get(0);
            if (s.tags() == null || s.tags().filterValue(key).filter(want::equals).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    public static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int ok(boolean condition) {
        return condition ? 200 : 503;
    }
}
