package io.patronijvm.pg.sql;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * R55 to R57, as Patroni's slots handler: the node keeps exactly the slots it should have
 * (member and permanent physical slots, permanent logical slots on the primary) and drops every
 * other slot, physical or logical, unless an {@code ignore_slots} entry matches it. A logical
 * slot whose plugin or database differs from its permanent definition is dropped and created again.
 */
public final class Slots {

    private static final Logger log = LoggerFactory.getLogger(Slots.class);

    private Slots() {
    }

    /**
     * One row of pg_replication_slots; {@code confirmedFlushLsn} -1 and {@code catalogXmin} 0 when
     * the server reports none (physical slots).
     */
    public record Slot(String name, String type, String plugin, String database, boolean active,
                       long confirmedFlushLsn, long catalogXmin) {
        public Slot(String name, String type, String plugin, String database, boolean active) {
            this(name, type, plugin, database, active, -1, 0);
        }

        boolean logical() {
            return "logical".equals(type);
        }
    }

    /** A permanent logical slot's definition from the dynamic {@code slots} section. */
    public record LogicalSpec(String plugin, String database) {
    }

    /** The permanent logical slots of the dynamic {@code slots} section ({@code type: logical}). */
    public static Map<String, LogicalSpec> logicalSpecs(Map<String, Map<String, Object>> permanent) {
        Map<String, LogicalSpec> out = new LinkedHashMap<>();
        permanent.forEach((name, v) -> {
            if (v != null && "logical".equals(String.valueOf(v.get("type"))) && v.get("plugin") != null
                    && v.get("database") != null) {
                out.put(name, new LogicalSpec(String.valueOf(v.get("plugin")), String.valueOf(v.get("database"))));
            }
        });
        return out;
    }

    /** Opens a connection to another database of the same server (logical slots are per database). */
    @FunctionalInterface
    public interface Databases {
        Connection connect(String database) throws SQLException;
    }

    /** What was done, for logs and tests. */
    public record Changes(List<String> created, List<String> dropped) {
    }

    // Temporary slots belong to a session and go with it; Patroni leaves them out too.
    static final String LIST_SQL = "SELECT slot_name, slot_type, plugin, database, active, "
            + "COALESCE(pg_catalog.pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint, -1), "
            + "COALESCE(catalog_xmin::text::bigint, 0) "
            + "FROM pg_catalog.pg_replication_slots WHERE NOT temporary";

    public static Map<String, Slot> list(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIST_SQL); ResultSet rs = ps.executeQuery()) {
            return read(rs);
        }
    }

    /** The rows of {@link #LIST_SQL}, by slot name. */
    static Map<String, Slot> read(ResultSet rs) throws SQLException {
        Map<String, Slot> out = new LinkedHashMap<>();
        while (rs.next()) {
            out.put(rs.getString(1), new Slot(rs.getString(1), rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getBoolean(5), rs.getLong(6), rs.getLong(7)));
        }
        return out;
    }

    /**
     * @param wanted  every slot name that may exist (physical or logical)
     * @param logical permanent logical slots by name; created only on a primary (a standby cannot)
     * @param ignore  ignore_slots matchers: a matching slot is never dropped
     */
    public static Changes sync(Connection c, Databases dbs, Set<String> wanted, Map<String, LogicalSpec> logical,
                               List<Map<String, Object>> ignore) throws SQLException {
        boolean create;
        try (PreparedStatement ps = c.prepareStatement("SELECT NOT pg_catalog.pg_is_in_recovery()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            create = rs.getBoolean(1);
        }
        Map<String, Slot> existing = list(c);
        List<String> created = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (Slot s : new ArrayList<>(existing.values())) {
            LogicalSpec spec = logical.get(s.name());
            boolean keep = wanted.contains(s.name()) && (spec == null ? !s.logical() : matches(s, spec));
            if (keep || ignored(s, ignore)) {
                continue;
            }
            if (s.active()) {
                // In use by a walsender or a decoding session; dropping would fail. Next cycle retries.
                log.info("slot {} is no longer wanted but still active: not dropped yet", s.name());
                continue;
            }
            drop(c, s.name());
            existing.remove(s.name());
            dropped.add(s.name());
            log.info("dropped {} replication slot {}", s.type(), s.name());
        }
        // Physical slots first, each logical slot on its own: as Patroni, a logical slot that cannot be
        // created (wal_level not yet logical before the restart) must not keep a member's slot from existing.
        for (String name : wanted) {
            if (!logical.containsKey(name) && !existing.containsKey(name)) {
                createPhysical(c, name);
                created.add(name);
                log.info("created physical replication slot {}", name);
            }
        }
        for (String name : wanted) {
            LogicalSpec spec = logical.get(name);
            if (spec == null || existing.containsKey(name) || !create) {
                continue;
            }
            try (Connection db = dbs.connect(spec.database())) {
                createLogical(db, name, spec.plugin());
            } catch (SQLException e) {
                log.error("could not create logical replication slot {} (plugin {}, database {}): {}", name,
                        spec.plugin(), spec.database(), e.getMessage());
                continue;
            }
            created.add(name);
            log.info("created logical replication slot {}", name);
        }
        return new Changes(created, dropped);
    }

    private static boolean matches(Slot s, LogicalSpec spec) {
        return s.logical() && Objects.equals(s.plugin(), spec.plugin()) && Objects.equals(s.database(), spec.database());
    }

    private static void drop(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots "
                        + "WHERE slot_name = ? AND NOT active")) {
            ps.setString(1, name);
            ps.execute();
        }
    }

    private static void createPhysical(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_create_physical_replication_slot(?, true)")) {
            ps.setString(1, name);
            ps.execute();
        }
    }

    private static void createLogical(Connection db, String name, String plugin) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT pg_catalog.pg_create_logical_replication_slot(?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, plugin);
            ps.execute();
        }
    }

    /**
     * Patroni's ignore_slots: an entry matches when every attribute it names ({@code name},
     * {@code type}, {@code database}, {@code plugin}) equals the slot's.
     */
    public static boolean ignored(Slot s, List<Map<String, Object>> ignore) {
        for (Map<String, Object> rule : ignore) {
            if (same(rule.get("name"), s.name()) && same(rule.get("type"), s.type())
                    && same(rule.get("database"), s.database()) && same(rule.get("plugin"), s.plugin())) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(Object wanted, String actual) {
        return wanted == null || String.valueOf(wanted).equals(actual);
    }
}
