package io.patronijvm.pg.sql;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** R55/R56: physical member slots on the primary, created and dropped to match the wanted set. */
public final class Slots {

    private static final Logger log = LoggerFactory.getLogger(Slots.class);

    private Slots() {
    }

    /** What was done, for logs and tests. */
    public record Changes(List<String> created, List<String> dropped) {
    }

    public static Changes sync(Connection c, Set<String> wanted, List<Map<String, Object>> ignore) throws SQLException {
        Map<String, Boolean> existing = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT slot_name, active FROM pg_catalog.pg_replication_slots WHERE slot_type = 'physical'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                existing.put(rs.getString(1), rs.getBoolean(2));
            }
        }
        List<String> created = new java.util.ArrayList<>();
        List<String> dropped = new java.util.ArrayList<>();
        for (String name : wanted) {
            if (!existing.containsKey(name)) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_catalog.pg_create_physical_replication_slot(?, true)")) {
                    ps.setString(1, name);
                    ps.execute();
                }
                created.add(name);
                log.info("created physical replication slot {}", name);
            }
        }
        for (Map.Entry<String, Boolean> e : existing.entrySet()) {
            String name = e.getKey();
            if (wanted.contains(name) || ignored(name, ignore)) {
                continue;
            }
            if (e.getValue()) {
                // An active slot is in use by a walsender; dropping would fail. Next cycle retries.
                log.info("slot {} is no longer wanted but still active: not dropped yet", name);
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots "
                            + "WHERE slot_name = ? AND NOT active")) {
                ps.setString(1, name);
                ps.execute();
            }
            dropped.add(name);
            log.info("dropped physical replication slot {}", name);
        }
        return new Changes(created, dropped);
    }

    /** R56: an ignore_slots entry matches when every key it names (name, type ...) matches the slot. */
    static boolean ignored(String slotName, List<Map<String, Object>> ignore) {
        for (Map<String, Object> rule : ignore) {
            Object name = rule.get("name");
            Object type = rule.get("type");
            boolean nameOk = name == null || Objects.equals(String.valueOf(name), slotName);
            boolean typeOk = type == null || "physical".equals(String.valueOf(type));
            boolean physicalOnlyKeys = !rule.containsKey("database") && !rule.containsKey("plugin");
            if (nameOk && typeOk && physicalOnlyKeys) {
                return true;
            }
        }
        return false;
    }
}
