package io.patronijvm.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link DynamicConfig} from the DCS {@code config} object (or {@code bootstrap.dcs}).
 * Pure: no I/O, no logging. Every invalid value falls back to Patroni's default with a problem
 * naming the key, as Patroni does; then the timing invariant T2 is enforced by clamping.
 *
 * <p>Severity: {@code ERROR} means "the value was invalid and the default was used" (the agent
 * logs it as a warning at run time, the local-file validator refuses it); {@code WARNING} means
 * "used, but clamped, unsupported or unusual".
 */
final class DynamicConfigParser {

    /** Below this no loop_wait/retry_timeout of at least 1 s satisfies T2. */
    static final int HARD_MIN_TTL = 3;
    static final int PATRONI_MIN_TTL = 20;
    static final int PATRONI_MIN_RETRY_TIMEOUT = 3;

    private static final Set<String> KNOWN = Set.of("ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover",
            "maximum_lag_on_syncnode", "max_timelines_history", "primary_start_timeout", "master_start_timeout",
            "primary_stop_timeout", "master_stop_timeout", "synchronous_mode", "synchronous_mode_strict",
            "synchronous_node_count", "failsafe_mode", "check_timeline", "pause", "standby_cluster", "slots",
            "ignore_slots", "postgresql", "member_slots_ttl", "primary_race_backoff", "master_race_backoff");
    private static final Set<String> KNOWN_POSTGRESQL = Set.of("use_slots", "use_pg_rewind", "parameters", "pg_hba",
            "pg_ident", "recovery_conf", "parameters_primary", "parameters_replica", "parameters_standby_leader",
            "pg_hba_primary", "pg_hba_replica", "pg_hba_standby_leader");
    /** Spec 4.3: the dynamic postgresql section may not carry these; they are dropped. */
    private static final Set<String> LOCAL_ONLY_POSTGRESQL = Set.of("connect_address", "proxy_address", "listen",
            "config_dir", "data_dir", "pgpass", "authentication");

    private final Map<String, Object> raw;
    private final List<ConfigProblem> problems = new ArrayList<>();

    private DynamicConfigParser(Map<String, Object> raw) {
        this.raw = raw == null ? Map.of() : raw;
    }

    static DynamicConfig.Checked parse(Map<String, Object> raw) {
        DynamicConfigParser p = new DynamicConfigParser(raw);
        DynamicConfig config = p.build();
        return new DynamicConfig.Checked(config, p.problems);
    }

    private DynamicConfig build() {
        DynamicConfig d = DynamicConfig.defaults();
        for (String key : raw.keySet()) {
            if (!KNOWN.contains(key)) {
                problems.add(ConfigProblem.warning(key, "unknown key, ignored"));
            }
        }
        int[] timing = timing();
        Map<String, Object> pg = postgresqlSection();
        return new DynamicConfig(timing[0], timing[1], timing[2],
                longKey("maximum_lag_on_failover", d.maximumLagOnFailover(), 0, "bytes"),
                longKey("maximum_lag_on_syncnode", d.maximumLagOnSyncnode(), -1, "bytes"),
                (int) longKey("max_timelines_history", d.maxTimelinesHistory(), 0, "entries"),
                (int) aliased("primary_start_timeout", "master_start_timeout", d.primaryStartTimeout()),
                (int) aliased("primary_stop_timeout", "master_stop_timeout", d.primaryStopTimeout()),
                synchronousMode(),
                boolKey(raw, "synchronous_mode_strict", "synchronous_mode_strict", false),
                (int) longKey("synchronous_node_count", d.synchronousNodeCount(), 1, "members"),
                boolKey(raw, "failsafe_mode", "failsafe_mode", false),
                boolKey(raw, "check_timeline", "check_timeline", false),
                boolKey(raw, "pause", "pause", false),
                boolKey(pg, "use_slots", "postgresql.use_slots", true),
                boolKey(pg, "use_pg_rewind", "postgresql.use_pg_rewind", false),
                parameters(pg),
                stringList(pg, "pg_hba", "postgresql.pg_hba"),
                slots(),
                ignoreSlots(),
                standbyCluster(),
                raw);
    }

    /** ttl, loop_wait, retry_timeout with the minimums and the T2 clamp (spec 3.1). */
    private int[] timing() {
        int ttl = (int) longKey("ttl", DynamicConfig.DEFAULT_TTL, HARD_MIN_TTL, "seconds");
        int loopWait = (int) longKey("loop_wait", DynamicConfig.DEFAULT_LOOP_WAIT, 1, "seconds");
        int retry = (int) longKey("retry_timeout", DynamicConfig.DEFAULT_RETRY_TIMEOUT, 1, "seconds");
        if (ttl < PATRONI_MIN_TTL) {
            problems.add(ConfigProblem.warning("ttl", "ttl " + ttl + " is below Patroni's minimum of "
                    + PATRONI_MIN_TTL + " seconds; fine for tests only"));
        }
        if (retry < PATRONI_MIN_RETRY_TIMEOUT) {
            problems.add(ConfigProblem.warning("retry_timeout", "retry_timeout " + retry
                    + " is below Patroni's minimum of " + PATRONI_MIN_RETRY_TIMEOUT + " seconds; fine for tests only"));
        }
        if (loopWait + 2 * retry <= ttl) {
            return new int[] {ttl, loopWait, retry};
        }
        String why = "loop_wait (" + loopWait + ") + 2 * retry_timeout (" + retry + ") exceeds ttl (" + ttl + ")";
        if (1 + 2 * retry <= ttl) {
            int reduced = ttl - 2 * retry;
            problems.add(ConfigProblem.warning("loop_wait", why + ": loop_wait reduced to " + reduced));
            return new int[] {ttl, reduced, retry};
        }
        int reducedRetry = (ttl - 1) / 2;
        problems.add(ConfigProblem.warning("loop_wait", why + " even with loop_wait 1: loop_wait reduced to 1"));
        problems.add(ConfigProblem.warning("retry_timeout", why + " even with loop_wait 1: retry_timeout reduced to "
                + reducedRetry));
        return new int[] {ttl, 1, reducedRetry};
    }

    private long aliased(String key, String oldKey, long def) {
        if (raw.containsKey(key) || !raw.containsKey(oldKey)) {
            return longKey(key, def, 0, "seconds");
        }
        return longKey(oldKey, def, 0, "seconds");
    }

    private boolean synchronousMode() {
        Object v = raw.get("synchronous_mode");
        if (v == null) {
            return false;
        }
        if (v instanceof String s && s.trim().equalsIgnoreCase("quorum")) {
            problems.add(ConfigProblem.warning("synchronous_mode",
                    "quorum commit is not supported by patroni-jvm yet; using synchronous_mode on"));
            return true;
        }
        Optional<Boolean> b = ConfigValues.bool(v);
        if (b.isEmpty()) {
            problems.add(ConfigProblem.error("synchronous_mode", ConfigValues.describe(v)
                    + " is not one of true, false, on, off, quorum; using the default off"));
            return false;
        }
        return b.get();
    }

    private long longKey(String key, long def, long min, String unit) {
        Object v = raw.get(key);
        if (v == null) {
            return def;
        }
        Optional<Long> n = ConfigValues.integer(v);
        if (n.isEmpty()) {
            String hint = v instanceof String ? " (Patroni peers read this key as a plain number)" : "";
            problems.add(ConfigProblem.error(key, ConfigValues.describe(v) + " is not an integer number of " + unit
                    + hint + "; using the default " + def));
            return def;
        }
        if (n.get() < min) {
            problems.add(ConfigProblem.error(key, n.get() + " is below the minimum " + min + "; using the default " + def));
            return def;
        }
        if (n.get() > Integer.MAX_VALUE && !"bytes".equals(unit)) {
            problems.add(ConfigProblem.error(key, n.get() + " is too large; using the default " + def));
            return def;
        }
        return n.get();
    }

    private boolean boolKey(Map<String, Object> section, String key, String path, boolean def) {
        Object v = section.get(key);
        if (v == null) {
            return def;
        }
        Optional<Boolean> b = ConfigValues.bool(v);
        if (b.isEmpty()) {
            problems.add(ConfigProblem.error(path, ConfigValues.describe(v)
                    + " is not a boolean (true/false); using the default " + def));
            return def;
        }
        return b.get();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> postgresqlSection() {
        Object v = raw.get("postgresql");
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            problems.add(ConfigProblem.error("postgresql", ConfigValues.describe(v) + " is not a map; ignored"));
            return Map.of();
        }
        Map<String, Object> pg = (Map<String, Object>) m;
        for (String key : pg.keySet()) {
            if (LOCAL_ONLY_POSTGRESQL.contains(key)) {
                problems.add(ConfigProblem.warning("postgresql." + key,
                        "may only be set in the local configuration; ignored here"));
            } else if (!KNOWN_POSTGRESQL.contains(key)) {
                problems.add(ConfigProblem.warning("postgresql." + key, "unknown key, ignored"));
            }
        }
        return pg;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parameters(Map<String, Object> pg) {
        Object v = pg.get("parameters");
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            problems.add(ConfigProblem.error("postgresql.parameters", ConfigValues.describe(v) + " is not a map; ignored"));
            return Map.of();
        }
        return new LinkedHashMap<>((Map<String, Object>) m);
    }

    private List<String> stringList(Map<String, Object> section, String key, String path) {
        Object v = section.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            problems.add(ConfigProblem.error(path, ConfigValues.describe(v) + " is not a list; ignored"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item instanceof Map || item instanceof List || item == null) {
                problems.add(ConfigProblem.error(path + "[" + i + "]", ConfigValues.describe(item) + " is not a line of text; ignored"));
            } else {
                out.add(item.toString());
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> slots() {
        Object v = raw.get("slots");
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            problems.add(ConfigProblem.error("slots", ConfigValues.describe(v) + " is not a map of slot name to slot; ignored"));
            return Map.of();
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = String.valueOf(e.getKey());
            Object slot = e.getValue();
            if (slot == null) {
                out.put(name, Map.of("type", "physical"));
            } else if (slot instanceof Map<?, ?> sm) {
                out.put(name, java.util.Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) sm)));
            } else {
                problems.add(ConfigProblem.error("slots." + name, ConfigValues.describe(slot)
                        + " is not a slot definition ({type, database, plugin}); ignored"));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> ignoreSlots() {
        Object v = raw.get("ignore_slots");
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            problems.add(ConfigProblem.error("ignore_slots", ConfigValues.describe(v) + " is not a list; ignored"));
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> m) {
                out.add(java.util.Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) m)));
            } else {
                problems.add(ConfigProblem.error("ignore_slots[" + i + "]", ConfigValues.describe(list.get(i))
                        + " is not a slot matcher ({name, type, database, plugin}); ignored"));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> standbyCluster() {
        Object v = raw.get("standby_cluster");
        if (v == null || (v instanceof Map<?, ?> m && m.isEmpty())) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            problems.add(ConfigProblem.error("standby_cluster", ConfigValues.describe(v) + " is not a map; ignored"));
            return null;
        }
        problems.add(ConfigProblem.warning("standby_cluster",
                "standby clusters are not supported by patroni-jvm yet; the section is kept but has no effect"));
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) m));
    }
}
