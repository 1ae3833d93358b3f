package io.patronijvm.restapi;

import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.WalSender;
import io.patronijvm.core.status.StatusFacts;
import io.patronijvm.core.status.StatusSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the status JSON of spec 1.3 (body of health checks and {@code GET /patroni}) from the
 * published snapshot alone: no SQL, no DCS call. Absent booleans are omitted, never false.
 */
final class StatusJson {

    private StatusJson() {
    }

    static Map<String, Object> build(StatusSnapshot s, long nowNanos) {
        StatusFacts f = StatusFacts.of(s, nowNanos);
        LocalPgState pg = s.pg();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", f.state());
        boolean queried = pg != null && pg.acceptsConnections();
        if (queried && pg.postmasterStartTime() != null) {
            out.put("postmaster_start_time", pg.postmasterStartTime());
        }
        out.put("role", f.role());
        if (queried) {
            if (pg.serverVersion() > 0) {
                out.put("server_version", pg.serverVersion());
            }
            out.put("xlog", xlog(pg));
            if (f.syncStandby()) {
                out.put("sync_standby", true);
            }
            if (pg.timeline() > 0) {
                out.put("timeline", pg.timeline());
            }
            String replicationState = replicationState(pg);
            if (replicationState != null) {
                out.put("replication_state", replicationState);
            }
            if (!pg.walSenders().isEmpty()) {
                out.put("replication", replication(pg.walSenders()));
            }
        }
        if (s.paused()) {
            out.put("pause", true);
        }
        if (!f.freshView() || !s.cluster().isLocked()) {
            out.put("cluster_unlocked", true);
        }
        if (s.failsafeActive()) {
            out.put("failsafe_mode_is_active", true);
        }
        out.put("dcs_last_seen", s.dcsLastSeen() == null ? 0L : s.dcsLastSeen().getEpochSecond());
        addNodeFields(s, out);
        return out;
    }

    private static void addNodeFields(StatusSnapshot s, Map<String, Object> out) {
        LocalPgState pg = s.pg();
        if (s.tags() != null && !s.tags().isEmpty()) {
            out.put("tags", s.tags().all());
        }
        if (pg != null && pg.sysid() != null && !pg.sysid().isBlank()) {
            out.put("database_system_identifier", pg.sysid());
        }
        if (pg != null && pg.pendingRestart()) {
            out.put("pending_restart", true);
            if (!pg.pendingRestartReasons().isEmpty()) {
                Map<String, Object> reasons = new LinkedHashMap<>();
                pg.pendingRestartReasons().forEach((param, values) -> {
                    Map<String, Object> change = new LinkedHashMap<>();
                    change.put("old_value", values.isEmpty() ? null : values.get(0));
                    change.put("new_value", values.size() < 2 ? null : values.get(1));
                    reasons.put(param, change);
                });
                out.put("pending_restart_reason", reasons);
            }
        }
        if (s.scheduledRestart() != null && !s.scheduledRestart().isEmpty()) {
            out.put("scheduled_restart", s.scheduledRestart());
        }
        if (s.watchdogFailed()) {
            out.put("watchdog_failed", true);
        }
        Map<String, Object> patroni = new LinkedHashMap<>();
        patroni.put("version", s.patroniVersion());
        patroni.put("scope", s.scope());
        patroni.put("name", s.name());
        out.put("patroni", patroni);
        out.put("implementation", s.implementation());
    }

    private static Map<String, Object> xlog(LocalPgState pg) {
        Map<String, Object> x = new LinkedHashMap<>();
        if (!pg.inRecovery()) {
            x.put("location", Math.max(pg.currentWalLsn(), 0));
            return x;
        }
        long replayed = Math.max(pg.replayedLsn(), 0);
        x.put("received_location", pg.receivedLsn() > 0 ? pg.receivedLsn() : replayed);
        x.put("replayed_location", replayed);
        x.put("replayed_timestamp", pg.replayedTimestamp());
        x.put("paused", pg.replayPaused());
        return x;
    }

    private static String replicationState(LocalPgState pg) {
        if (!pg.inRecovery()) {
            return null;
        }
        // Patroni says "in archive recovery" only when a restore_command is set; the snapshot
        // does not carry it, so a replica that is not streaming reports nothing.
        return pg.streaming() ? "streaming" : null;
    }

    private static List<Map<String, Object>> replication(List<WalSender> senders) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (WalSender w : senders) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("usename", w.usename());
            row.put("application_name", w.applicationName());
            row.put("client_addr", w.clientAddr());
            row.put("state", w.state());
            row.put("sync_state", w.syncState());
            row.put("sync_priority", w.syncPriority());
            rows.add(row);
        }
        return rows;
    }
}
