package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.ConfigValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns {@code PATRONI_*} environment variables into a config tree that overrides the YAML
 * (spec 4.4), following Patroni's {@code _build_environment_configuration}: named variables
 * first, then the generic {@code PATRONI_<SECTION>_<SUFFIX>} DCS rule, then
 * {@code PATRONI_<USER>_PASSWORD}/{@code _OPTIONS}, which create {@code bootstrap.users}.
 * The environment is passed in, never read here, so tests can drive it.
 */
final class EnvironmentConfig {

    static final String PREFIX = "PATRONI_";

    private static final List<String> LOG = List.of("type", "level", "traceback_level", "format", "dateformat",
            "static_fields", "max_queue_size", "dir", "mode", "file_num", "file_size", "loggers",
            "deduplicate_heartbeat_logs");
    private static final List<String> RESTAPI = List.of("listen", "connect_address", "certfile", "keyfile",
            "keyfile_password", "cafile", "ciphers", "verify_client", "http_extra_headers", "https_extra_headers",
            "allowlist", "allowlist_include_members", "request_queue_size", "server_tokens");
    private static final List<String> CTL = List.of("insecure", "cacert", "certfile", "keyfile", "keyfile_password");
    private static final List<String> POSTGRESQL = List.of("listen", "connect_address", "proxy_address", "config_dir",
            "data_dir", "pgpass", "bin_dir");
    private static final List<String> BINARIES = List.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup",
            "postgres", "pg_isready", "pg_rewind");
    private static final List<String> AUTH = List.of("username", "password", "sslmode", "sslkey", "sslpassword",
            "sslcert", "sslrootcert", "sslcrl", "sslcrldir", "sslnegotiation", "gssencmode", "channel_binding");
    /** Suffixes of the generic DCS rule ({@code PATRONI_CONSUL_HOST} → {@code consul.host}). */
    private static final Set<String> DCS_SUFFIXES = Set.of("HOST", "HOSTS", "PORT", "USE_PROXIES", "PROTOCOL", "SRV",
            "SRV_SUFFIX", "URL", "PROXY", "CACERT", "CERT", "KEY", "VERIFY", "TOKEN", "CHECKS", "DC", "CONSISTENCY",
            "REGISTER_SERVICE", "SERVICE_CHECK_INTERVAL", "SERVICE_CHECK_TLS_SERVER_NAME", "SERVICE_TAGS", "NAMESPACE",
            "CONTEXT", "USE_ENDPOINTS", "SCOPE_LABEL", "ROLE_LABEL", "POD_IP", "PORTS", "LABELS", "BYPASS_API_SERVICE",
            "KEY_PASSWORD", "USE_SSL", "SET_ACLS");
    private static final Set<String> DCS_SECTIONS = Set.of("CONSUL", "ETCD", "ETCD3", "ZOOKEEPER", "EXHIBITOR",
            "KUBERNETES", "RAFT");
    private static final Set<String> LIST_SUFFIXES = Set.of("HOSTS", "PORTS", "CHECKS", "SERVICE_TAGS");
    private static final Set<String> BOOL_SUFFIXES = Set.of("USE_PROXIES", "REGISTER_SERVICE", "USE_ENDPOINTS",
            "BYPASS_API_SERVICE", "VERIFY");

    private final Map<String, String> env;
    private final Map<String, Object> out = new LinkedHashMap<>();
    private final Problems problems;

    private EnvironmentConfig(Map<String, String> env, Problems problems) {
        // Sorted, so the result (and the order of problems) does not depend on the map's order.
        this.env = new TreeMap<>(env);
        this.problems = problems;
    }

    /** The override tree; an environment without PATRONI_* variables gives an empty map. */
    static Map<String, Object> build(Map<String, String> env, Problems problems) {
        EnvironmentConfig e = new EnvironmentConfig(env, problems);
        e.collect();
        return e.out;
    }

    private void collect() {
        for (String key : List.of("name", "namespace", "scope")) {
            pop(key).ifPresent(v -> out.put(key, v));
        }
        pop("loglevel").ifPresent(v -> section("log").put("level", v));
        pop("logformat").ifPresent(v -> section("log").put("format", v));
        pop("log_datefmt").ifPresent(v -> section("log").put("dateformat", v));
        sectionValues("log", LOG);
        sectionValues("restapi", RESTAPI);
        sectionValues("ctl", CTL);
        sectionValues("postgresql", POSTGRESQL);
        for (String binary : BINARIES) {
            pop("postgresql_bin_" + binary).ifPresent(v -> subsection("postgresql", "bin_name").put(binary, v));
        }
        typed("restapi", "allowlist_include_members", Kind.BOOL);
        typed("ctl", "insecure", Kind.BOOL);
        typed("restapi", "request_queue_size", Kind.INT);
        typed("restapi", "allowlist", Kind.LIST);
        typed("restapi", "http_extra_headers", Kind.DICT);
        typed("restapi", "https_extra_headers", Kind.DICT);
        typed("log", "static_fields", Kind.DICT);
        logFormatList();
        typed("log", "loggers", Kind.DICT);
        for (String s : List.of("ctl", "restapi")) {
            Map<String, Object> auth = credentials(s, AUTH.subList(0, 2));
            if (!auth.isEmpty()) {
                section(s).put("authentication", auth);
            }
        }
        for (String user : List.of("replication", "superuser", "rewind")) {
            Map<String, Object> auth = credentials(user, AUTH);
            if (!auth.isEmpty()) {
                subsection("postgresql", "authentication").put(user, auth);
            }
        }
        dcsAndUsers();
    }

    private void dcsAndUsers() {
        etcdCredentials();
        Map<String, Object> users = new LinkedHashMap<>();
        for (String var : List.copyOf(env.keySet())) {
            if (!var.startsWith(PREFIX) || !env.containsKey(var)) {
                continue;
            }
            String rest = var.substring(PREFIX.length());
            int us = rest.indexOf('_');
            if (us <= 0) {
                continue;
            }
            String name = rest.substring(0, us);
            String suffix = rest.substring(us + 1);
            if (DCS_SECTIONS.contains(name) && DCS_SUFFIXES.contains(suffix)) {
                dcsValue(var, name.toLowerCase(Locale.ROOT), suffix);
            } else if (rest.endsWith("_PASSWORD") && rest.length() > "_PASSWORD".length()) {
                String user = rest.substring(0, rest.length() - "_PASSWORD".length());
                String password = env.remove(var);
                if (password != null && !password.isEmpty()) {
                    Map<String, Object> u = new LinkedHashMap<>();
                    u.put("password", password);
                    String options = env.remove(PREFIX + user + "_OPTIONS");
                    if (options != null && !options.isBlank()) {
                        Object parsed = parseList(PREFIX + user + "_OPTIONS", options);
                        if (parsed != null) {
                            u.put("options", parsed);
                        }
                    }
                    users.put(user.toLowerCase(Locale.ROOT), u);
                }
            }
        }
        if (!users.isEmpty()) {
            section("bootstrap").put("users", users);
        }
    }

    /**
     * Patroni reads {@code PATRONI_ETCD[3]_USERNAME}/{@code _PASSWORD} into the etcd section only when
     * another {@code PATRONI_ETCD[3]_*} variable created that section; otherwise the password
     * variable names a bootstrap user, as any {@code PATRONI_<NAME>_PASSWORD} does.
     */
    private void etcdCredentials() {
        for (String dcs : List.of("etcd", "etcd3")) {
            String p = PREFIX + dcs.toUpperCase(Locale.ROOT) + "_";
            boolean fromEnv = env.entrySet().stream().anyMatch(e -> e.getKey().startsWith(p)
                    && DCS_SUFFIXES.contains(e.getKey().substring(p.length())) && !e.getValue().isEmpty());
            if (fromEnv) {
                Map<String, Object> auth = credentials(dcs, List.of("username", "password"));
                if (!auth.isEmpty()) {
                    section(dcs).putAll(auth);
                }
            }
        }
    }

    private void dcsValue(String var, String section, String suffix) {
        String raw = env.remove(var);
        if (raw == null || raw.isEmpty()) {
            return;
        }
        Object value = raw;
        if (suffix.equals("PORT")) {
            Optional<Long> n = ConfigValues.integer(raw);
            if (n.isEmpty()) {
                problems.error(section + ".port", "from " + var + ": '" + raw + "' is not a port number");
                return;
            }
            value = n.get();
        } else if (LIST_SUFFIXES.contains(suffix)) {
            value = parseList(var, raw);
        } else if (BOOL_SUFFIXES.contains(suffix)) {
            value = parseBool(var, raw);
        }
        if (value != null) {
            section(section).put(suffix.toLowerCase(Locale.ROOT), value);
        }
    }

    private enum Kind { BOOL, INT, LIST, DICT }

    private void typed(String section, String key, Kind kind) {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) out.get(section);
        if (s == null || !(s.get(key) instanceof String raw)) {
            return;
        }
        String var = PREFIX + section.toUpperCase(Locale.ROOT) + "_" + key.toUpperCase(Locale.ROOT);
        Object value = switch (kind) {
            case BOOL -> parseBool(var, raw);
            case INT -> ConfigValues.integer(raw).map(Object.class::cast).orElseGet(() -> {
                problems.error(section + "." + key, "from " + var + ": '" + raw + "' is not a whole number");
                return null;
            });
            case LIST -> parseList(var, raw);
            case DICT -> parseDict(var, raw);
        };
        if (value == null) {
            s.remove(key);
        } else {
            s.put(key, value);
        }
    }

    /** Patroni 3.3: a PATRONI_LOG_FORMAT naming no %(field) is a YAML list of fields (JSON lines). */
    private void logFormatList() {
        @SuppressWarnings("unchecked")
        Map<String, Object> log = (Map<String, Object>) out.get("log");
        if (log != null && log.get("format") instanceof String raw
                && !java.util.regex.Pattern.compile("%\\(\\w+\\)").matcher(raw).find()) {
            typed("log", "format", Kind.LIST);
        }
    }

    private Map<String, Object> credentials(String name, List<String> params) {
        Map<String, Object> auth = new LinkedHashMap<>();
        for (String p : params) {
            pop(name + "_" + p).ifPresent(v -> auth.put(p, v));
        }
        return auth;
    }

    private void sectionValues(String section, List<String> keys) {
        for (String key : keys) {
            pop(section + "_" + key).ifPresent(v -> section(section).put(key, v));
        }
    }

    /** Reads and removes {@code PATRONI_<NAME>}; empty values count as absent, as in Patroni. */
    private Optional<String> pop(String name) {
        String v = env.remove(PREFIX + name.toUpperCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String name) {
        return (Map<String, Object>) out.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> subsection(String section, String name) {
        return (Map<String, Object>) section(section).computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }

    private Boolean parseBool(String var, String raw) {
        Optional<Boolean> b = ConfigValues.bool(raw);
        if (b.isEmpty()) {
            problems.add(ConfigProblem.error(var, "'" + raw + "' is not a boolean (true/false)"));
            return null;
        }
        return b.get();
    }

    /** Patroni's {@code _parse_list}: YAML, brackets optional ({@code a,b} = {@code [a,b]}). */
    private Object parseList(String var, String raw) {
        String text = raw.strip().startsWith("-") || raw.contains("[") ? raw : "[" + raw + "]";
        YamlDocument.Result r = YamlDocument.parse(text, var);
        if (r.problem() != null || !(r.value() instanceof List)) {
            problems.add(ConfigProblem.error(var, "'" + raw + "' is not a list (write a,b or [a, b])"));
            return null;
        }
        return r.value();
    }

    private Object parseDict(String var, String raw) {
        YamlDocument.Result r = YamlDocument.parse(raw, var);
        if (r.problem() != null || !(r.value() instanceof Map)) {
            problems.add(ConfigProblem.error(var, "'" + raw + "' is not a map (write {key: value})"));
            return null;
        }
        return r.value();
    }

    /**
     * Patroni's {@code patch_config}: maps merge recursively, other values replace. Returns a
     * new tree; neither argument is changed.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        overrides.forEach((k, v) -> {
            Object old = result.get(k);
            if (old instanceof Map<?, ?> om && v instanceof Map<?, ?> nm) {
                result.put(k, merge((Map<String, Object>) om, (Map<String, Object>) nm));
            } else {
                result.put(k, v);
            }
        });
        return result;
    }
}
