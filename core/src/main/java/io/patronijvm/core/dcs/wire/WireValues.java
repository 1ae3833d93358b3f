package io.patronijvm.core.dcs.wire;

import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.model.Tags;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Converts between Patroni's DCS values (spec 2.1, 2.2) and the domain model, on already
 * decoded JSON (plain maps, lists, strings, numbers, booleans). Every DCS implementation goes
 * through this one class, so the in-memory DCS of the tests and the Consul DCS cannot parse
 * differently. Shape errors throw {@link IllegalArgumentException} naming the key; callers log
 * them and treat the key as absent (a malformed key never takes the cluster view down).
 */
public final class WireValues {

    private static final Set<String> MEMBER_FIELDS = Set.of("conn_url", "api_url", "state", "role", "version",
            "xlog_location", "timeline", "replication_state", "tags", "pending_restart", "pause",
            "checkpoint_after_promote");

    private WireValues() {
    }

    /** {@code members/<name>}: the member JSON object. */
    public static Member member(String name, String session, long version, Object json) {
        Map<String, Object> data = object(json, "members/" + name);
        Map<String, Object> extra = new LinkedHashMap<>();
        data.forEach((k, v) -> {
            if (!MEMBER_FIELDS.contains(k) && v != null) {
                extra.put(k, v);
            }
        });
        Object tags = data.get("tags");
        return new Member(name, session, version,
                string(data.get("conn_url")),
                string(data.get("api_url")),
                string(data.get("state")),
                Role.parse(string(data.get("role"))).orElse(null),
                string(data.get("version")),
                optionalLong(data.get("xlog_location")),
                optionalLong(data.get("timeline")) == null ? null : optionalLong(data.get("timeline")).intValue(),
                string(data.get("replication_state")),
                tags instanceof Map<?, ?> m ? new Tags(stringKeys(m)) : Tags.NONE,
                truthy(data.get("pending_restart")),
                truthy(data.get("pause")),
                data.get("checkpoint_after_promote") instanceof Boolean b ? b : null,
                extra);
    }

    /**
     * {@code failover}: a JSON object, or Patroni's legacy {@code leader:candidate} string.
     * Empty values ({@code {}}, {@code ""}) mean "no failover" and give null.
     *
     * @param json the decoded JSON, or null when the raw text was not JSON
     * @param raw  the raw text of the key
     */
    public static Failover failover(Object json, String raw, long version) {
        if (json instanceof Map<?, ?> m) {
            Map<String, Object> data = stringKeys(m);
            OffsetDateTime at = null;
            String scheduled = string(data.get("scheduled_at"));
            if (scheduled != null && !scheduled.isBlank()) {
                try {
                    at = OffsetDateTime.parse(scheduled);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("failover.scheduled_at is not an ISO date-time: " + scheduled);
                }
            }
            Failover f = new Failover(string(data.get("leader")), string(data.get("member")), at, version);
            return f.isEmpty() ? null : f;
        }
        if (json != null && !(json instanceof String)) {
            throw new IllegalArgumentException("failover is neither an object nor a 'leader:candidate' string");
        }
        String text = json instanceof String s ? s : raw;
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = Arrays.stream(text.split(":")).map(String::strip).toArray(String[]::new);
        Failover f = new Failover(emptyToNull(parts[0]), parts.length > 1 ? emptyToNull(parts[1]) : null, null, version);
        return f.isEmpty() ? null : f;
    }

    /** The JSON object Patroni writes for a failover; {@code {}} for null or empty (clears the key). */
    public static Map<String, Object> failoverToJson(Failover failover) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (failover == null || failover.isEmpty()) {
            return out;
        }
        if (failover.hasLeader()) {
            out.put("leader", failover.leader());
        }
        if (failover.hasCandidate()) {
            out.put("member", failover.candidate());
        }
        if (failover.scheduledAt() != null) {
            out.put("scheduled_at", io.patronijvm.core.time.IsoTimes.python(failover.scheduledAt()));
        }
        return out;
    }

    /** {@code sync}: {@code {"leader":..,"sync_standby":"a,b"|null}}; null when the object is empty. */
    public static SyncState sync(Object json, long version) {
        Map<String, Object> data = object(json, "sync");
        if (data.isEmpty()) {
            return null;
        }
        String standbys = string(data.get("sync_standby"));
        Set<String> names = new TreeSet<>();
        if (standbys != null) {
            for (String s : standbys.split(",")) {
                if (!s.isBlank()) {
                    names.add(s.strip());
                }
            }
        }
        return new SyncState(string(data.get("leader")), names, version);
    }

    public static Map<String, Object> syncToJson(SyncState sync) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("leader", sync.leader());
        out.put("sync_standby", sync.syncStandbys().isEmpty() ? null
                : String.join(",", new TreeSet<>(sync.syncStandbys())));
        return out;
    }

    /** {@code status}: {@code {"optime":..,"slots":{..},"retain_slots":[..]}}. */
    public static ClusterStatus status(Object json) {
        Map<String, Object> data = object(json, "status");
        Long optime = optionalLong(data.get("optime"));
        Map<String, Long> slots = new LinkedHashMap<>();
        if (data.get("slots") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                Long lsn = optionalLong(v);
                if (lsn != null) {
                    slots.put(String.valueOf(k), lsn);
                }
            });
        }
        List<String> retain = new ArrayList<>();
        if (data.get("retain_slots") instanceof List<?> l) {
            l.forEach(v -> retain.add(String.valueOf(v)));
        }
        return new ClusterStatus(optime == null ? 0L : optime, slots, retain);
    }

    /** The legacy {@code optime/leader} key: an LSN as a decimal string. */
    public static ClusterStatus legacyOptime(String raw) {
        Long optime = optionalLong(raw == null ? null : raw.strip());
        if (optime == null) {
            throw new IllegalArgumentException("optime/leader is not a number: " + raw);
        }
        return new ClusterStatus(optime, Map.of(), List.of());
    }

    /**
     * As Patroni 3.0.2 writes it: {@code {"optime":N}}, with {@code "slots"} only when the leader has
     * permanent logical slots to publish ({@code retain_slots} is 4.x's, written only when set).
     */
    public static Map<String, Object> statusToJson(ClusterStatus status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("optime", status.optime());
        if (!status.slots().isEmpty()) {
            out.put("slots", new java.util.TreeMap<>(status.slots()));
        }
        if (!status.retainSlots().isEmpty()) {
            out.put("retain_slots", new ArrayList<>(status.retainSlots()));
        }
        return out;
    }

    /** {@code history}: {@code [[tl, lsn, "reason", "iso-ts", "new_leader"], ...]}. */
    public static List<HistoryEntry> history(Object json) {
        if (!(json instanceof List<?> rows)) {
            throw new IllegalArgumentException("history is not a JSON array");
        }
        List<HistoryEntry> out = new ArrayList<>();
        for (Object row : rows) {
            if (!(row instanceof List<?> r) || r.size() < 2) {
                throw new IllegalArgumentException("history entry is not [timeline, lsn, ...]: " + row);
            }
            Long tl = optionalLong(r.get(0));
            Long lsn = optionalLong(r.get(1));
            if (tl == null || lsn == null) {
                throw new IllegalArgumentException("history entry has a non-numeric timeline or lsn: " + row);
            }
            out.add(new HistoryEntry(tl.intValue(), lsn, r.size() > 2 ? string(r.get(2)) : null,
                    r.size() > 3 ? string(r.get(3)) : null, r.size() > 4 ? string(r.get(4)) : null));
        }
        return out;
    }

    public static List<List<Object>> historyToJson(List<HistoryEntry> history) {
        List<List<Object>> out = new ArrayList<>();
        for (HistoryEntry e : history) {
            List<Object> row = new ArrayList<>(List.of(e.timeline(), e.lsn(), e.reason() == null ? "" : e.reason()));
            if (e.timestamp() != null) {
                row.add(e.timestamp());
                if (e.newLeader() != null) {
                    row.add(e.newLeader());
                }
            }
            out.add(row);
        }
        return out;
    }

    /** {@code failsafe}: {@code {"<name>":"<api_url>"}}. */
    public static Map<String, String> failsafe(Object json) {
        Map<String, String> out = new LinkedHashMap<>();
        object(json, "failsafe").forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
        return out;
    }

    /** {@code config}: a JSON object. */
    public static Map<String, Object> config(Object json) {
        return object(json, "config");
    }

    private static Map<String, Object> object(Object json, String key) {
        if (!(json instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(key + " is not a JSON object");
        }
        return stringKeys(m);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String string(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Long optionalLong(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean truthy(Object v) {
        return v instanceof Boolean b ? b : v instanceof String s && s.equalsIgnoreCase("true");
    }
}
