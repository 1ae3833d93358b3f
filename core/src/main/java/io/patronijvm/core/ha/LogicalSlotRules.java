package io.patronijvm.core.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.pg.LogicalSlot;
import io.patronijvm.core.pg.LocalPgState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Permanent logical slots on replicas (R57), as Patroni 3.0.2 keeps them ready for a failover: the
 * primary publishes each permanent logical slot's {@code confirmed_flush_lsn} in the {@code status}
 * key ({@code "slots": {"name": lsn}}) and in its {@code POST /failsafe}; a replica that lacks one
 * the primary published copies the slot's state file from the primary (PostgreSQL restarts to load
 * it), and one it has is advanced to the published position with {@code pg_replication_slot_advance}.
 * Every node that may hold such a slot runs with {@code hot_standby_feedback} on, so the primary
 * keeps the catalog rows the slot still needs.
 */
public final class LogicalSlotRules {

    /** Patroni's slot name rule; other permanent names are refused with an error in its log. */
    private static final Pattern SLOT_NAME = Pattern.compile("^[a-z0-9_]{1,63}$");
    /** Permanent logical slots need PostgreSQL 11 (pg_replication_slot_advance). */
    private static final int MIN_VERSION = 110000;

    private LogicalSlotRules() {
    }

    /** A permanent logical slot's definition. */
    public record Spec(String plugin, String database) {
    }

    /** What a replica does with the leader's published positions. */
    public record Plan(Map<String, Long> advance, List<String> copy) {
        public Plan {
            advance = Map.copyOf(advance);
            copy = List.copyOf(copy);
        }

        boolean isEmpty() {
            return advance.isEmpty() && copy.isEmpty();
        }
    }

    /**
     * The permanent logical slots this node keeps in the replica role: none without use_slots,
     * with {@code nofailover}, or below PostgreSQL 11 ({@code serverVersion} 0 = unknown, allowed).
     * A definition needs database and plugin; its type is logical or left out.
     */
    public static Map<String, Spec> permanent(DynamicConfig config, Tags tags, int serverVersion) {
        Map<String, Spec> out = new TreeMap<>();
        if (!config.useSlots() || tags.noFailover() || (serverVersion > 0 && serverVersion < MIN_VERSION)) {
            return out;
        }
        config.slots().forEach((name, v) -> {
            if (v == null || !SLOT_NAME.matcher(name).matches()) {
                return;
            }
            Object type = v.get("type");
            Object database = v.get("database");
            Object plugin = v.get("plugin");
            boolean logical = type == null || "logical".equals(type.toString());
            if (logical && truthy(database) && truthy(plugin)) {
                out.put(name, new Spec(plugin.toString(), database.toString()));
            }
        });
        return out;
    }

    /**
     * On the primary: the {@code slots} it publishes, each permanent logical slot that exists here
     * with the configured plugin and database, by its {@code confirmed_flush_lsn}. Empty elsewhere.
     */
    public static Map<String, Long> published(DynamicConfig config, Tags tags, LocalPgState pg) {
        Map<String, Long> out = new TreeMap<>();
        if (!pg.isPrimary()) {
            return out;
        }
        permanent(config, tags, pg.serverVersion()).forEach((name, spec) -> {
            LogicalSlot s = pg.logicalSlots().get(name);
            if (s != null && matches(s, spec) && s.confirmedFlushLsn() > 0) {
                out.put(name, s.confirmedFlushLsn());
            }
        });
        return out;
    }

    /**
     * On a replica: advance each permanent logical slot it has to the leader's position when that
     * is ahead, and copy those it lacks from the primary, but only slots the leader published
     * (Patroni copies only slots with feedback in the DCS). A local slot with another plugin or
     * database is the slot handler's to drop; it is neither advanced nor copied this cycle.
     */
    public static Plan plan(DynamicConfig config, Tags tags, LocalPgState pg, Map<String, Long> leaderSlots) {
        Map<String, Long> advance = new TreeMap<>();
        List<String> copy = new ArrayList<>();
        if (!pg.isReplica() || leaderSlots.isEmpty()) {
            return new Plan(advance, copy);
        }
        permanent(config, tags, pg.serverVersion()).forEach((name, spec) -> {
            LogicalSlot local = pg.logicalSlots().get(name);
            Long target = leaderSlots.get(name);
            if (local != null) {
                if (matches(local, spec) && target != null && local.confirmedFlushLsn() < target) {
                    advance.put(name, target);
                }
            } else if (target != null) {
                copy.add(name);
            }
        });
        return new Plan(advance, copy);
    }

    /**
     * Patroni's {@code should_enforce_hot_standby_feedback}: this node may hold a permanent logical
     * slot, or a member that replicates from it (not the leader) needs the feedback in turn.
     */
    public static boolean hotStandbyFeedback(ClusterView view, DynamicConfig config, String self, Tags tags,
                                             int serverVersion) {
        return hotStandbyFeedback(view, config, self, tags, serverVersion, 0);
    }

    private static boolean hotStandbyFeedback(ClusterView view, DynamicConfig config, String self, Tags tags,
                                              int serverVersion, int depth) {
        if (serverVersion > 0 && serverVersion < MIN_VERSION) {
            return false;
        }
        if (!permanent(config, tags, serverVersion).isEmpty()) {
            return true;
        }
        if (!config.useSlots() || view == null || depth > view.members().size()) {
            return false; // the depth bound stops a replicatefrom cycle
        }
        String leader = view.leader() == null ? null : view.leader().name();
        for (Member m : view.members()) {
            if (self.equals(m.tags().replicateFrom().orElse(null)) && !m.name().equals(leader)
                    && hotStandbyFeedback(view, config, m.name(), m.tags(), serverVersion, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Patroni's {@code compare_slots} for logical slots: same plugin and database. */
    static boolean matches(LogicalSlot s, Spec spec) {
        return Objects.equals(s.plugin(), spec.plugin()) && Objects.equals(s.database(), spec.database());
    }

    /** The positions a replica follows: a fresh failsafe announcement's, else the status key's. */
    static Map<String, Long> leaderSlots(HaInput in) {
        if (in.failsafeSlots() != null) {
            return in.failsafeSlots();
        }
        return in.view() == null ? Map.of() : new LinkedHashMap<>(in.view().status().slots());
    }

    private static boolean truthy(Object o) {
        return o != null && !o.toString().isEmpty();
    }
}
