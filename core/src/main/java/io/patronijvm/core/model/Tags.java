package io.patronijvm.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A member's tags: the well-known ones typed, every tag (arbitrary ones included) kept in
 * {@link #all()} for the REST API and {@code tag_*} filters.
 */
public record Tags(Map<String, Object> all) {

    public static final Tags NONE = new Tags(Map.of());

    public Tags {
        all = Collections.unmodifiableMap(new LinkedHashMap<>(all == null ? Map.of() : all));
    }

    /** {@code nofailover}, or a {@code failover_priority} of 0 or less (3.2+ semantics). */
    public boolean noFailover() {
        if (truthy(all.get("nofailover"))) {
            return true;
        }
        return all.containsKey("failover_priority") && failoverPriority() <= 0;
    }

    /** Default 1; higher wins at equal WAL position. */
    public int failoverPriority() {
        return intValue(all.get("failover_priority"), 1);
    }

    public boolean cloneFrom() {
        return truthy(all.get("clonefrom"));
    }

    public boolean noLoadBalance() {
        return truthy(all.get("noloadbalance"));
    }

    public Optional<String> replicateFrom() {
        Object v = all.get("replicatefrom");
        return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString());
    }

    /** {@code nosync}, or a {@code sync_priority} of 0 or less. */
    public boolean noSync() {
        if (truthy(all.get("nosync"))) {
            return true;
        }
        return all.containsKey("sync_priority") && syncPriority() <= 0;
    }

    public int syncPriority() {
        return intValue(all.get("sync_priority"), 1);
    }

    public boolean noStream() {
        return truthy(all.get("nostream"));
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** Patroni compares non-string tag values as {@code str(v).lower()}. */
    public Optional<String> filterValue(String key) {
        Object v = all.get(key);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(v instanceof String s ? s : v.toString().toLowerCase(Locale.ROOT));
    }

    static boolean truthy(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            return t.equals("true") || t.equals("on") || t.equals("yes") || t.equals("1");
        }
        return v instanceof Number n && n.longValue() != 0;
    }

    static int intValue(Object v, int fallback) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return fallback;
    }
}
