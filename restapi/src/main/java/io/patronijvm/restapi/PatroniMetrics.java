package io.patronijvm.restapi;

import io.patronijvm.core.status.StatusSnapshot;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /metrics}: Patroni's gauge names (spec 1.5, 3.x set including {@code patroni_master})
 * with labels {@code {scope, name}}, computed from the same status JSON a health check returns.
 * Each scrape computes all values from one snapshot, then lets the registry's callbacks read them,
 * so one scrape never mixes two snapshots.
 */
final class PatroniMetrics {

    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final DateTimeFormatter PG_TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd[' ']['T']HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final String scope;
    private final String name;
    private Map<String, Double> current = Map.of();

    PatroniMetrics(String scope, String name) {
        this.scope = scope;
        this.name = name;
        gauge("patroni_version", "Patroni semver without periods.");
        gauge("patroni_postgres_running", "Value is 1 if Postgres is running, 0 otherwise.");
        gauge("patroni_postmaster_start_time", "Epoch seconds since Postgres started.");
        gauge("patroni_primary", "Value is 1 if this node is the leader, 0 otherwise.");
        gauge("patroni_master", "Value is 1 if this node is the leader, 0 otherwise.");
        gauge("patroni_xlog_location",
                "Current location of the Postgres transaction log, 0 if this node is not the leader.");
        gauge("patroni_standby_leader", "Value is 1 if this node is the standby_leader, 0 otherwise.");
        gauge("patroni_replica", "Value is 1 if this node is a replica, 0 otherwise.");
        gauge("patroni_sync_standby", "Value is 1 if this node is a sync standby replica, 0 otherwise.");
        gauge("patroni_xlog_received_location",
                "Current location of the received Postgres transaction log, 0 if this node is not a replica.");
        gauge("patroni_xlog_replayed_location",
                "Current location of the replayed Postgres transaction log, 0 if this node is not a replica.");
        gauge("patroni_xlog_replayed_timestamp",
                "Current timestamp of the replayed Postgres transaction log, 0 if null.");
        gauge("patroni_xlog_paused", "Value is 1 if the Postgres xlog is paused, 0 otherwise.");
        gauge("patroni_postgres_streaming", "Value is 1 if Postgres is streaming, 0 otherwise.");
        gauge("patroni_postgres_in_archive_recovery",
                "Value is 1 if Postgres is replicating from archive, 0 otherwise.");
        gauge("patroni_postgres_server_version", "Version of Postgres (if running), 0 otherwise.");
        gauge("patroni_cluster_unlocked", "Value is 1 if the cluster is unlocked, 0 if locked.");
        gauge("patroni_failsafe_mode_is_active", "Value is 1 if failsafe mode is active, 0 if inactive.");
        gauge("patroni_postgres_timeline", "Postgres timeline of this node (if running), 0 otherwise.");
        gauge("patroni_dcs_last_seen", "Epoch timestamp when DCS was last contacted successfully by Patroni.");
        gauge("patroni_pending_restart", "Value is 1 if the node needs a restart, 0 otherwise.");
        gauge("patroni_is_paused", "Value is 1 if auto failover is disabled, 0 otherwise.");
    }

    private void gauge(String metric, String help) {
        GaugeWithCallback.builder()
                .name(metric)
                .help(help)
                .labelNames("scope", "name")
                .callback(cb -> cb.call(current.getOrDefault(metric, 0.0), scope, name))
                .register(registry);
    }

    /** Renders one scrape in the Prometheus text format. */
    synchronized byte[] scrape(StatusSnapshot snapshot, long nowNanos) throws IOException {
        current = values(StatusJson.build(snapshot, nowNanos), snapshot);
        MetricSnapshots snapshots = registry.scrape();
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        writer.write(out, snapshots);
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Double> values(Map<String, Object> status, StatusSnapshot s) {
        Map<String, Double> v = new HashMap<>();
        Map<String, Object> xlog = status.get("xlog") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String role = String.valueOf(status.get("role"));
        v.put("patroni_version", paddedVersion(s.patroniVersion()));
        v.put("patroni_postgres_running", flag("running".equals(status.get("state"))));
        v.put("patroni_postmaster_start_time", epochSeconds(status.get("postmaster_start_time")));
        v.put("patroni_primary", flag(role.equals("master") || role.equals("primary")));
        v.put("patroni_master", v.get("patroni_primary"));
        v.put("patroni_xlog_location", number(xlog.get("location")));
        v.put("patroni_standby_leader", flag(role.equals("standby_leader")));
        v.put("patroni_replica", flag(role.equals("replica")));
        v.put("patroni_sync_standby", flag(Boolean.TRUE.equals(status.get("sync_standby"))));
        v.put("patroni_xlog_received_location", number(xlog.get("received_location")));
        v.put("patroni_xlog_replayed_location", number(xlog.get("replayed_location")));
        v.put("patroni_xlog_replayed_timestamp", epochSeconds(xlog.get("replayed_timestamp")));
        v.put("patroni_xlog_paused", flag(Boolean.TRUE.equals(xlog.get("paused"))));
        v.put("patroni_postgres_streaming", flag("streaming".equals(status.get("replication_state"))));
        v.put("patroni_postgres_in_archive_recovery",
                flag("in archive recovery".equals(status.get("replication_state"))));
        v.put("patroni_postgres_server_version", number(status.get("server_version")));
        v.put("patroni_cluster_unlocked", flag(Boolean.TRUE.equals(status.get("cluster_unlocked"))));
        v.put("patroni_failsafe_mode_is_active", flag(Boolean.TRUE.equals(status.get("failsafe_mode_is_active"))));
        v.put("patroni_postgres_timeline", number(status.get("timeline")));
        v.put("patroni_dcs_last_seen", number(status.get("dcs_last_seen")));
        v.put("patroni_pending_restart", flag(Boolean.TRUE.equals(status.get("pending_restart"))));
        v.put("patroni_is_paused", flag(s.paused()));
        return v;
    }

    /** {@code 3.3.1} → 30301 (Patroni prints it zero-padded as {@code 030301}; same number). */
    static double paddedVersion(String version) {
        if (version == null) {
            return 0;
        }
        StringBuilder digits = new StringBuilder();
        for (String part : version.split("\\.")) {
            if (!part.matches("\\d{1,2}")) {
                return 0;
            }
            digits.append(part.length() == 1 ? "0" + part : part);
        }
        return digits.isEmpty() ? 0 : Double.parseDouble(digits.toString());
    }

    /** PostgreSQL timestamp text → epoch seconds; 0 when absent or unparsable (as Patroni). */
    static double epochSeconds(Object text) {
        if (!(text instanceof String s) || s.isBlank()) {
            return 0;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(s.strip(), PG_TIMESTAMP);
            return t.toEpochSecond() + t.getNano() / 1e9;
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static double flag(boolean b) {
        return b ? 1 : 0;
    }
}
