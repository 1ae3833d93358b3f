package io.patronijvm.pg.conf;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.config.Sizes;
import io.patronijvm.pg.ControlData;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The effective GUCs of spec 4.5: command-line GUCs (dynamic config only, validated, with
 * Patroni's defaults and minimums) and the rest for postgresql.conf (dynamic, overridden by local
 * {@code postgresql.parameters}).
 *
 * @param cmdline  passed as {@code --name=value} to postgres so ALTER SYSTEM cannot override them
 * @param file     written sorted into postgresql.conf
 * @param warnings one per ignored or corrected value, naming the parameter
 */
public record Gucs(SortedMap<String, String> cmdline, SortedMap<String, String> file, List<String> warnings) {

    /** R65: on a replica these take max(configured, pg_controldata), or PostgreSQL refuses to start. */
    static final Map<String, String> CONTROLDATA_MINIMUMS = Map.of(
            "max_connections", "max_connections setting",
            "max_prepared_transactions", "max_prepared_xacts setting",
            "max_locks_per_transaction", "max_locks_per_xact setting",
            "max_worker_processes", "max_worker_processes setting",
            "max_wal_senders", "max_wal_senders setting");

    /** name → {default, minimum} for the integer command-line GUCs. */
    private static final Map<String, int[]> INT_RULES = Map.of(
            "max_connections", new int[] {100, 25},
            "max_wal_senders", new int[] {10, 3},
            "max_replication_slots", new int[] {10, 4},
            "max_worker_processes", new int[] {8, 2},
            "max_locks_per_transaction", new int[] {64, 32},
            "max_prepared_transactions", new int[] {0, 0});

    public static final Set<String> CMDLINE = Set.of("listen_addresses", "port", "cluster_name", "hot_standby",
            "wal_level", "max_connections", "max_wal_senders", "max_replication_slots", "max_worker_processes",
            "max_locks_per_transaction", "max_prepared_transactions", "track_commit_timestamp", "wal_log_hints",
            "wal_keep_size", "wal_keep_segments");

    /** Patroni's estimate of a WAL segment when converting between the two wal_keep parameters. */
    private static final int SEGMENT_MB = 16;

    /** Names that belong to the recovery block and never come from parameters. */
    public static final Set<String> RECOVERY = Set.of("primary_conninfo", "primary_slot_name", "restore_command",
            "archive_cleanup_command", "recovery_end_command", "recovery_min_apply_delay", "recovery_target",
            "recovery_target_lsn", "recovery_target_name", "recovery_target_time", "recovery_target_xid",
            "recovery_target_timeline", "recovery_target_action", "recovery_target_inclusive", "standby_mode",
            "trigger_file", "promote_trigger_file");

    public Gucs {
        cmdline = Collections.unmodifiableSortedMap(new TreeMap<>(cmdline));
        file = Collections.unmodifiableSortedMap(new TreeMap<>(file));
        warnings = List.copyOf(warnings);
    }

    /** A copy with one postgresql.conf parameter replaced. */
    public Gucs withFile(String name, String value) {
        SortedMap<String, String> f = new TreeMap<>(file);
        f.put(name, value);
        return new Gucs(cmdline, f, warnings);
    }

    /** A copy with one command-line GUC replaced. */
    public Gucs withCmdline(String name, String value) {
        SortedMap<String, String> cmd = new TreeMap<>(cmdline);
        cmd.put(name, value);
        return new Gucs(cmd, file, warnings);
    }

    /** As {@link #compute(DynamicConfig, PostgresqlConfig, String, String, ControlData, int)} for the newest server. */
    public static Gucs compute(DynamicConfig dyn, PostgresqlConfig pg, String scope, String syncStandbyNames,
                               ControlData replicaControl) {
        return compute(dyn, pg, scope, syncStandbyNames, replicaControl, 0);
    }

    /**
     * @param syncStandbyNames Patroni-owned {@code synchronous_standby_names}, or null to leave parameters alone
     * @param replicaControl   pg_controldata of a replica about to start, or null
     * @param majorVersion     the server's major version (15), or 0 when unknown (treated as 13 or later)
     */
    public static Gucs compute(DynamicConfig dyn, PostgresqlConfig pg, String scope, String syncStandbyNames,
                               ControlData replicaControl, int majorVersion) {
        List<String> warnings = new ArrayList<>();
        Map<String, Object> dynamic = dyn.parameters();
        SortedMap<String, String> cmd = new TreeMap<>();
        cmd.put("listen_addresses", pg.listenAddresses());
        cmd.put("port", Integer.toString(pg.port()));
        cmd.put("cluster_name", scope);
        cmd.put("hot_standby", "on");
        if (dynamic.containsKey("hot_standby") && !"on".equals(text(dynamic.get("hot_standby")))) {
            warnings.add("parameter hot_standby=" + text(dynamic.get("hot_standby")) + " ignored: Patroni forces on");
        }
        cmd.put("wal_level", walLevel(dynamic.get("wal_level"), warnings));
        INT_RULES.forEach((name, rule) -> cmd.put(name, Integer.toString(intValue(name, dynamic.get(name), rule, warnings))));
        cmd.put("track_commit_timestamp", bool("track_commit_timestamp", dynamic.get("track_commit_timestamp"), "off", warnings));
        cmd.put("wal_log_hints", bool("wal_log_hints", dynamic.get("wal_log_hints"), "on", warnings));
        walKeep(dynamic, majorVersion, cmd, warnings);
        if (replicaControl != null) {
            CONTROLDATA_MINIMUMS.forEach((guc, key) -> {
                int fromControl = replicaControl.intSetting(key);
                if (fromControl > Integer.parseInt(cmd.get(guc))) {
                    warnings.add(guc + " raised to " + fromControl + " from pg_controldata (R65)");
                    cmd.put(guc, Integer.toString(fromControl));
                }
            });
        }
        SortedMap<String, String> file = new TreeMap<>();
        merge(dynamic, file, "dynamic", warnings);
        for (String name : pg.parameters().keySet()) {
            if (CMDLINE.contains(name.toLowerCase(Locale.ROOT))) {
                warnings.add("postgresql.parameters." + name + " ignored: it can only be set in the dynamic configuration");
            }
        }
        merge(pg.parameters(), file, "postgresql.parameters", warnings);
        if (syncStandbyNames != null) {
            file.put("synchronous_standby_names", syncStandbyNames);
        }
        return new Gucs(cmd, file, warnings);
    }

    /**
     * PostgreSQL 13 replaced wal_keep_segments with wal_keep_size; a configuration written for either
     * side keeps working, as in Patroni: the parameter the server does not know is converted (16 MB a
     * segment) unless the one it knows is set too.
     */
    private static void walKeep(Map<String, Object> dynamic, int majorVersion, SortedMap<String, String> cmd,
                                List<String> warnings) {
        Integer segments = keepSegments(dynamic.get("wal_keep_segments"), warnings);
        Long sizeMb = keepSizeMb(dynamic.get("wal_keep_size"), warnings);
        if (majorVersion == 0 || majorVersion >= 13) {
            cmd.put("wal_keep_size", sizeMb != null ? text(dynamic.get("wal_keep_size"))
                    : (segments == null ? 8 : segments) * SEGMENT_MB + "MB");
        } else {
            cmd.put("wal_keep_segments", Long.toString(segments != null ? segments
                    : ((sizeMb == null ? 128 : sizeMb) + SEGMENT_MB / 2) / SEGMENT_MB));
        }
    }

    /** wal_keep_segments when it is a whole number >= 1, else null (with a warning when it was set). */
    private static Integer keepSegments(Object v, List<String> warnings) {
        if (v == null) {
            return null;
        }
        try {
            int n = v instanceof Number num ? num.intValue() : Integer.parseInt(text(v).trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        warnings.add("parameter wal_keep_segments=" + v + " invalid (a whole number >= 1): using the default");
        return null;
    }

    /** wal_keep_size in MB when it is a size of at least 16MB, else null (with a warning when it was set). */
    private static Long keepSizeMb(Object v, List<String> warnings) {
        if (v == null) {
            return null;
        }
        try {
            long mb = Sizes.parse(v, 1L << 20) >> 20;
            if (mb >= SEGMENT_MB) {
                return mb;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        warnings.add("parameter wal_keep_size=" + v + " invalid (a size of at least 16MB): using the default");
        return null;
    }

    private static void merge(Map<String, Object> src, SortedMap<String, String> dst, String where, List<String> warnings) {
        src.forEach((k, v) -> {
            String name = k.toLowerCase(Locale.ROOT);
            if (CMDLINE.contains(name) || v == null) {
                return;
            }
            if (RECOVERY.contains(name) || name.equals("hba_file") || name.equals("ident_file")
                    || name.equals("config_file") || name.equals("data_directory")) {
                warnings.add(where + "." + k + " ignored: the agent manages it");
                return;
            }
            dst.put(name, text(v));
        });
    }

    private static String walLevel(Object v, List<String> warnings) {
        if (v == null) {
            return "replica";
        }
        String s = text(v).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "replica", "hot_standby" -> "replica";
            case "logical" -> "logical";
            default -> {
                warnings.add("parameter wal_level=" + s + " invalid (replica or logical): using replica");
                yield "replica";
            }
        };
    }

    private static int intValue(String name, Object v, int[] rule, List<String> warnings) {
        if (v == null) {
            return rule[0];
        }
        try {
            int n = v instanceof Number num ? num.intValue() : Integer.parseInt(text(v).trim());
            if (n < rule[1]) {
                warnings.add("parameter " + name + "=" + n + " below minimum " + rule[1] + ": using " + rule[0]);
                return rule[0];
            }
            return n;
        } catch (NumberFormatException e) {
            warnings.add("parameter " + name + "=" + v + " is not an integer: using " + rule[0]);
            return rule[0];
        }
    }

    private static String bool(String name, Object v, String dflt, List<String> warnings) {
        if (v == null) {
            return dflt;
        }
        String s = text(v).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "on", "true", "yes", "1" -> "on";
            case "off", "false", "no", "0" -> "off";
            default -> {
                warnings.add("parameter " + name + "=" + s + " is not a boolean: using " + dflt);
                yield dflt;
            }
        };
    }

    /** Renders a YAML/JSON value the way PostgreSQL expects it: booleans as on/off. */
    public static String text(Object v) {
        if (v instanceof Boolean b) {
            return b ? "on" : "off";
        }
        return String.valueOf(v);
    }
}
