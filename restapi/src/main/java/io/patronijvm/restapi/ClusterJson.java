package io.patronijvm.restapi;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Member;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /cluster} and {@code GET /history} bodies (spec 1.5), shaped like Patroni's
 * {@code cluster_as_json}: members sorted by name, role leader/standby_leader/sync_standby/replica,
 * lag against the leader's last published optime.
 */
final class ClusterJson {

    private ClusterJson() {
    }

    static Map<String, Object> build(ClusterView view, String scope) {
        String leaderName = view.leader() == null ? null : view.leader().name();
        long clusterLsn = view.status().optime();
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member m : view.members()) {
            members.add(member(view, m, leaderName, clusterLsn));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("members", members);
        if (view.isPaused()) {
            out.put("pause", true);
        }
        Failover f = view.failover();
        if (f != null && f.scheduledAt() != null) {
            Map<String, Object> sw = new LinkedHashMap<>();
            sw.put("at", io.patronijvm.core.time.IsoTimes.python(f.scheduledAt()));
            if (f.hasLeader()) {
                sw.put("from", f.leader());
            }
            if (f.hasCandidate()) {
                sw.put("to", f.candidate());
            }
            out.put("scheduled_switchover", sw);
        }
        out.put("scope", scope);
        return out;
    }

    private static Map<String, Object> member(ClusterView view, Member m, String leaderName, long clusterLsn) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.name());
        out.put("role", role(view, m, leaderName));
        String state = m.state() == null ? "" : m.state();
        if (m.replicationState() != null && !m.replicationState().isBlank() && m.isRunning()) {
            state = m.replicationState();
        }
        out.put("state", state);
        out.put("api_url", m.apiUrl());
        addHostPort(out, m.connUrl());
        if (m.timeline() != null) {
            out.put("timeline", m.timeline());
        }
        if (m.pendingRestart()) {
            out.put("pending_restart", true);
        }
        Object scheduled = m.extra().get("scheduled_restart");
        if (scheduled != null) {
            out.put("scheduled_restart", scheduled);
        }
        if (!m.tags().isEmpty()) {
            out.put("tags", m.tags().all());
        }
        if (!m.name().equals(leaderName)) {
            Long lsn = m.xlogLocation();
            out.put("lag", lsn == null ? "unknown" : Math.max(clusterLsn - lsn, 0L));
        }
        return out;
    }

    private static String role(ClusterView view, Member m, String leaderName) {
        if (m.name().equals(leaderName)) {
            Object sc = view.config() == null ? null : view.config().data().get("standby_cluster");
            boolean standby = sc instanceof Map<?, ?> map
                    && (map.get("host") != null || map.get("port") != null || map.get("restore_command") != null);
            return standby ? "standby_leader" : "leader";
        }
        return view.sync() != null && view.sync().isSyncStandby(m.name()) ? "sync_standby" : "replica";
    }

    private static void addHostPort(Map<String, Object> out, String connUrl) {
        if (connUrl == null || connUrl.isBlank()) {
            return;
        }
        // An unparsable conn_url: the member is shown without host/port, as Patroni does.
        io.patronijvm.core.model.MemberUrl.parse(connUrl).ifPresent(u -> {
            out.put("host", u.host());
            if (u.port() > 0) {
                out.put("port", u.port());
            }
        });
    }

    static List<List<Object>> history(ClusterView view) {
        List<List<Object>> lines = new ArrayList<>();
        for (HistoryEntry h : view.history()) {
            List<Object> line = new ArrayList<>(List.of(h.timeline(), h.lsn(), h.reason() == null ? "" : h.reason()));
            if (h.timestamp() != null || h.newLeader() != null) {
                line.add(h.timestamp());
            }
            if (h.newLeader() != null) {
                line.add(h.newLeader());
            }
            lines.add(line);
        }
        return lines;
    }
}
