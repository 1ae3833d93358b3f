package io.patronijvm.restapi;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.ha.LeaseMath;
import io.patronijvm.core.pg.WalSender;
import io.patronijvm.core.status.HaEvent;
import io.patronijvm.core.status.StatusSnapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bodies of our extensions beside Patroni's endpoints: {@code GET /events} (this node's recent
 * HA events), {@code GET /patroni-jvm} (its provable lease, replication lag in time, events), and
 * the member status the status page shows. Patroni's own bodies are never changed for them.
 */
final class UiJson {

    /**
     * The status fields the page shows. Left out on purpose: {@code replication} (user names and
     * client addresses), the system identifier and anything else {@code /cluster} does not show.
     */
    private static final Set<String> SHOWN_STATUS = Set.of("state", "role", "timeline", "server_version", "xlog",
            "replication_state", "pending_restart", "scheduled_restart", "pause", "tags", "patroni",
            "implementation", "cluster_unlocked", "failsafe_mode_is_active", "dcs_last_seen", "sync_standby");

    private UiJson() {
    }

    static List<Map<String, Object>> events(List<HaEvent> events) {
        List<Map<String, Object>> out = new ArrayList<>(events.size());
        for (HaEvent e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", e.at().toString());
            m.put("member", e.member());
            m.put("kind", e.kind());
            m.put("reason", e.reason());
            m.put("message", e.message());
            if (e.timeline() > 0) {
                m.put("timeline", e.timeline());
            }
            out.add(m);
        }
        return out;
    }

    /** {@code GET /patroni-jvm}: what only this agent knows, for the page of any member. */
    static Map<String, Object> extension(StatusSnapshot s, List<HaEvent> events, long nowNanos, Instant wallNow) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", s.name());
        out.put("implementation", s.implementation());
        out.put("lease", lease(s, nowNanos, wallNow));
        out.put("replication", replication(s));
        out.put("events", events(events));
        return out;
    }

    /**
     * Decision 3 made visible: how long this node's lease is still provable and when the renewal
     * it rests on started. The renewal start is derived with the same {@link LeaseMath} rule the
     * loop used to set the lease end.
     */
    static Map<String, Object> lease(StatusSnapshot s, long nowNanos, Instant wallNow) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean holder = s.holdsLease(nowNanos);
        out.put("holder", holder);
        DynamicConfig c = s.config();
        out.put("provable_lease_ms", LeaseMath.provableLeaseNanos(c.ttl()) / 1_000_000);
        out.put("renew_interval_ms", LeaseMath.renewIntervalNanos(c.ttl(), c.loopWait()) / 1_000_000);
        if (!holder) {
            return out;
        }
        long until = s.leaseValidUntilNanos();
        long renewStart = until - LeaseMath.provableLeaseNanos(c.ttl());
        long agoMs = Math.max(0, (nowNanos - renewStart) / 1_000_000);
        out.put("valid_for_ms", Math.max(0, (until - nowNanos) / 1_000_000));
        out.put("last_renewal", wallNow.minusMillis(agoMs).toString());
        out.put("last_renewal_ms_ago", agoMs);
        out.put("key_expires_within_ms", Math.max(0,
                (LeaseMath.keyExpiryUpperBound(renewStart, c.ttl()) - nowNanos) / 1_000_000));
        return out;
    }

    /** Who streams from this node and how far behind in time (pg_stat_replication.replay_lag). */
    private static List<Map<String, Object>> replication(StatusSnapshot s) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (s.pg() == null) {
            return rows;
        }
        for (WalSender w : s.pg().walSenders()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("application_name", w.applicationName());
            row.put("state", w.state());
            row.put("sync_state", w.syncState());
            row.put("replay_lag_ms", w.replayLagMillis());
            rows.add(row);
        }
        return rows;
    }

    /** A member's {@code /patroni} body reduced to {@link #SHOWN_STATUS}. */
    static Map<String, Object> shownStatus(Map<String, Object> status) {
        if (status == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        status.forEach((k, v) -> {
            if (SHOWN_STATUS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
