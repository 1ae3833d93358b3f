package io.patronijvm.pg.sql;

import io.patronijvm.core.pg.LogicalSlot;
import io.patronijvm.core.pg.WalSender;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The cheap per-cycle queries: one row of scalar state plus replication rows, slots and pending restarts. */
public final class Observer {

    /** Timeline: a primary's from its current WAL file name; a replica's from the WAL receiver, else the checkpoint. */
    static final String STATE_SQL = """
            SELECT r.rec,
              CASE WHEN r.rec THEN COALESCE(NULLIF((SELECT received_tli FROM pg_catalog.pg_stat_wal_receiver), 0),
                                            (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()))
                   ELSE ('x' || substring(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int
              END AS tli,
              CASE WHEN r.rec THEN -1 ELSE pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_flush_lsn(), '0/0')::bigint END,
              COALESCE(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_receive_lsn(), '0/0')::bigint, -1),
              COALESCE(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_replay_lsn(), '0/0')::bigint, -1),
              pg_catalog.pg_last_xact_replay_timestamp()::text,
              CASE WHEN r.rec THEN pg_catalog.pg_is_wal_replay_paused() ELSE false END,
              COALESCE((SELECT status = 'streaming' FROM pg_catalog.pg_stat_wal_receiver), false),
              pg_catalog.current_setting('primary_conninfo'),
              pg_catalog.current_setting('server_version_num')::int,
              pg_catalog.pg_postmaster_start_time()::text,
              (SELECT system_identifier FROM pg_catalog.pg_control_system())::text,
              pg_catalog.current_setting('synchronous_standby_names'),
              pg_catalog.current_setting('wal_log_hints') = 'on' OR pg_catalog.current_setting('data_checksums') = 'on'
            FROM (SELECT pg_catalog.pg_is_in_recovery() AS rec) r""";

    static final String REPLICATION_SQL = """
            SELECT usename, application_name, client_addr::text, state, sync_state, sync_priority,
              COALESCE(pg_catalog.pg_wal_lsn_diff(flush_lsn, '0/0')::bigint, -1),
              COALESCE(pg_catalog.pg_wal_lsn_diff(replay_lsn, '0/0')::bigint, -1),
              COALESCE((EXTRACT(EPOCH FROM replay_lag) * 1000)::bigint, -1)
            FROM pg_catalog.pg_stat_replication""";

    private static final String CMDLINE_IN = io.patronijvm.pg.conf.Gucs.CMDLINE.stream().sorted()
            .map(n -> "'" + n + "'").collect(java.util.stream.Collectors.joining(","));

    static final String PENDING_SQL = "SELECT name, setting FROM pg_catalog.pg_settings WHERE pending_restart";

    static final String CMDLINE_SQL = "SELECT name, pg_catalog.current_setting(name) FROM pg_catalog.pg_settings "
            + "WHERE name IN (" + CMDLINE_IN + ")";

    /** Everything a cycle reads, in the order {@link #observe} consumes the results. */
    static final String CYCLE_SQL = String.join(";\n", STATE_SQL, REPLICATION_SQL, Slots.LIST_SQL, PENDING_SQL,
            CMDLINE_SQL);

    /**
     * A health check's one light query on a replica: recovery, timeline (as {@link #STATE_SQL}),
     * positions, and the postmaster's start time, which tells a restarted server from the one the
     * last full observation saw.
     */
    static final String PROGRESS_SQL = """
            SELECT r.rec,
              CASE WHEN r.rec THEN COALESCE(NULLIF((SELECT received_tli FROM pg_catalog.pg_stat_wal_receiver), 0),
                                            (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()))
                   ELSE 0 END,
              COALESCE(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_receive_lsn(), '0/0')::bigint, -1),
              COALESCE(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_replay_lsn(), '0/0')::bigint, -1),
              pg_catalog.pg_last_xact_replay_timestamp()::text,
              CASE WHEN r.rec THEN pg_catalog.pg_is_wal_replay_paused() ELSE false END,
              COALESCE((SELECT status = 'streaming' FROM pg_catalog.pg_stat_wal_receiver), false),
              pg_catalog.pg_postmaster_start_time()::text
            FROM (SELECT pg_catalog.pg_is_in_recovery() AS rec) r""";

    /** What {@link #PROGRESS_SQL} returns. */
    public record Progress(boolean inRecovery, int timeline, long receivedLsn, long replayedLsn,
                           String replayedTimestamp, boolean replayPaused, boolean streaming,
                           String postmasterStartTime) {
    }

    private Observer() {
    }

    public static Progress progress(Connection c) throws SQLException {
        // Prepared, not a plain Statement: pgjdbc parses a plain one's text anew on every call (for
        // this query a third of a health check's CPU), a prepared one's once per connection, and
        // after five runs PostgreSQL plans it only once too.
        try (PreparedStatement st = c.prepareStatement(PROGRESS_SQL); ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the progress query returned no rows");
            }
            return new Progress(rs.getBoolean(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                    rs.getBoolean(6), rs.getBoolean(7), rs.getString(8));
        }
    }

    public static Observation observe(Connection c) throws SQLException {
        return observe(c, List.of());
    }

    /** @param ignoreSlots the dynamic config's ignore_slots matchers */
    public static Observation observe(Connection c, List<Map<String, Object>> ignoreSlots) throws SQLException {
        // The five queries go as one statement: pgjdbc sends them in one batch with one Sync, so a
        // cycle costs one round trip to PostgreSQL instead of five (issue 17: the idle cycle's CPU).
        // Prepared for the reason given at progress(); pgjdbc splits the five and keeps them per connection.
        try (PreparedStatement st = c.prepareStatement(CYCLE_SQL)) {
            if (!st.execute()) {
                throw new SQLException("the observation query returned no rows");
            }
            Object[] row = new Object[14];
            boolean rec;
            try (ResultSet rs = st.getResultSet()) {
                rs.next();
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rec = rs.getBoolean(1);
            }
            List<WalSender> senders = new ArrayList<>();
            try (ResultSet rs = next(st, "pg_stat_replication")) {
                while (rs.next()) {
                    senders.add(new WalSender(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
                }
            }
            // Slots an ignore_slots entry matches are not ours to manage: the decider never sees them.
            Set<String> slots = new HashSet<>();
            Map<String, LogicalSlot> logical = new LinkedHashMap<>();
            try (ResultSet rs = next(st, "pg_replication_slots")) {
                for (Slots.Slot slot : Slots.read(rs).values()) {
                    if (!Slots.ignored(slot, ignoreSlots)) {
                        slots.add(slot.name());
                        if (slot.logical()) {
                            logical.put(slot.name(), new LogicalSlot(slot.name(), slot.plugin(), slot.database(),
                                    slot.confirmedFlushLsn(), slot.catalogXmin()));
                        }
                    }
                }
            }
            Map<String, String> pending = pairs(next(st, "pending_restart"));
            Map<String, String> cmdline = pairs(next(st, "command line settings"));
            return new Observation(rec, ((Number) row[1]).intValue(), ((Number) row[2]).longValue(),
                    ((Number) row[3]).longValue(), ((Number) row[4]).longValue(), (String) row[5],
                    (Boolean) row[6], (Boolean) row[7], (String) row[8], ((Number) row[9]).intValue(),
                    (String) row[10], (String) row[11], (String) row[12], (Boolean) row[13], senders, slots, pending, cmdline, logical);
        }
    }

    private static ResultSet next(Statement st, String what) throws SQLException {
        if (!st.getMoreResults()) {
            throw new SQLException("the observation query returned no result for " + what);
        }
        return st.getResultSet();
    }

    private static Map<String, String> pairs(ResultSet rs) throws SQLException {
        try (rs) {
            Map<String, String> out = new LinkedHashMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        }
    }
}
