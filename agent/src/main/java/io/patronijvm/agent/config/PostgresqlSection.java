package io.patronijvm.agent.config;

import io.patronijvm.core.config.CallbacksConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads the local {@code postgresql:} section (spec 4.2). */
final class PostgresqlSection {

    private static final Set<String> KNOWN = Set.of("listen", "connect_address", "proxy_address", "data_dir",
            "config_dir", "bin_dir", "bin_name", "pgpass", "use_unix_socket", "use_unix_socket_repl", "authentication",
            "parameters", "pg_hba", "pg_ident", "callbacks", "create_replica_methods", "recovery_conf", "custom_conf",
            "pg_ctl_timeout", "use_pg_rewind", "rewind", "remove_data_directory_on_rewind_failure",
            "remove_data_directory_on_diverged_timelines", "pre_promote", "before_stop", "config_base_name",
            "basebackup", "use_slots");
    private static final Set<String> BINARIES = Set.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup",
            "postgres", "pg_isready", "pg_rewind");
    /** Spec 4.5: passed on the postgres command line, settable only through the dynamic config. */
    static final Set<String> CMDLINE_GUCS = Set.of("listen_addresses", "port", "cluster_name", "hot_standby",
            "wal_level", "max_connections", "max_wal_senders", "max_replication_slots", "max_worker_processes",
            "max_prepared_transactions", "max_locks_per_transaction", "track_commit_timestamp", "wal_log_hints",
            "wal_keep_size", "wal_keep_segments");

    private PostgresqlSection() {
    }

    /**
     * @param name the member name, for the default pgpass file
     * @return the section, or null when it has errors
     */
    static PostgresqlConfig read(Section s, String name) {
        Problems problems = s.problems();
        if (s.wrongType()) {
            return null;
        }
        Set<String> known = new java.util.HashSet<>(KNOWN);
        known.addAll(s.stringList("create_replica_methods"));
        s.warnUnknown(known);
        if (s.has("use_slots")) {
            problems.warning(s.pathOf("use_slots"), "is read only from the dynamic configuration "
                    + "(bootstrap.dcs.postgresql.use_slots); ignored here");
        }
        HostPort listen = Addresses.listen(s, "listen", 5432);
        String connect = Addresses.connectAddress(s, "connect_address", listen);
        Path dataDir = absolutePath(s, "data_dir", true);
        Path configDir = absolutePath(s, "config_dir", false);
        Map<String, String> binNames = binNames(s);
        Path binDir = binDir(s, binNames);
        Path pgpass = pgpass(s, dataDir, name);
        PgAuthentication.Users users = PgAuthentication.read(s.section("authentication"));
        Map<String, Object> parameters = parameters(s);
        ReplicaMethods.Result replica = ReplicaMethods.read(s);
        PostgresqlConfig config = new PostgresqlConfig(
                listen == null ? null : listen.host(), listen == null ? 0 : listen.port(), connect,
                s.string("proxy_address"), dataDir, configDir, binDir, binNames, pgpass,
                unixSocketDir(parameters),
                s.bool("use_unix_socket", false), s.bool("use_unix_socket_repl", false),
                users.superuser(), users.replication(), users.rewind(),
                parameters, s.stringList("pg_hba"), s.stringList("pg_ident"), callbacks(s),
                replica.methods(), replica.options(), s.rawMap("recovery_conf"), s.string("custom_conf"),
                pgCtlTimeout(s), s.optionalBool("use_pg_rewind"), rewindOptions(s),
                s.bool("remove_data_directory_on_rewind_failure", false),
                s.bool("remove_data_directory_on_diverged_timelines", false),
                s.string("config_base_name"));
        return listen == null || connect == null || dataDir == null || users.superuser() == null
                || users.replication() == null ? null : config;
    }

    private static Path absolutePath(Section s, String key, boolean required) {
        String value = required ? s.requiredString(key) : s.string(key);
        if (value == null) {
            return null;
        }
        try {
            Path p = Path.of(value);
            if (!p.isAbsolute()) {
                s.problems().error(s.pathOf(key), "'" + value + "' must be an absolute path");
                return null;
            }
            if (p.getParent() == null) {
                s.problems().error(s.pathOf(key), "'" + value + "' may not be the root directory");
                return null;
            }
            return p.normalize();
        } catch (InvalidPathException e) {
            s.problems().error(s.pathOf(key), "'" + value + "' is not a valid path");
            return null;
        }
    }

    private static Map<String, String> binNames(Section s) {
        Map<String, String> names = s.stringMap("bin_name");
        for (String k : names.keySet()) {
            if (!BINARIES.contains(k)) {
                s.problems().warning(s.pathOf("bin_name") + "." + k, "unknown binary, ignored");
            }
        }
        return names;
    }

    /** Optional; when given it must hold initdb and pg_ctl (or their bin_name overrides). */
    private static Path binDir(Section s, Map<String, String> binNames) {
        Path dir = absolutePath(s, "bin_dir", false);
        if (dir == null) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            s.problems().error(s.pathOf("bin_dir"), dir + " is not a directory (omit bin_dir to use the newest "
                    + "installed PostgreSQL)");
            return null;
        }
        for (String binary : new String[] {"initdb", "pg_ctl"}) {
            Path exe = dir.resolve(binNames.getOrDefault(binary, binary));
            if (!Files.isExecutable(exe)) {
                s.problems().error(s.pathOf("bin_dir"), dir + " has no executable " + exe.getFileName());
            }
        }
        return dir;
    }

    /**
     * Patroni's default is {@code ~/pgpass}, which several nodes on one host (our tests) would
     * share; ours is {@code <parent of data_dir>/pgpass.<name>}, beside the data directory.
     */
    private static Path pgpass(Section s, Path dataDir, String name) {
        Path explicit = absolutePath(s, "pgpass", false);
        if (explicit != null || s.has("pgpass")) {
            return explicit;
        }
        if (dataDir == null) {
            return null;
        }
        return dataDir.getParent().resolve("pgpass." + (name == null ? "patroni" : name));
    }

    private static Map<String, Object> parameters(Section s) {
        Map<String, Object> params = new LinkedHashMap<>(s.rawMap("parameters"));
        for (String guc : Set.copyOf(params.keySet())) {
            if (guc.equals("listen_addresses") || guc.equals("port")) {
                s.problems().warning(s.pathOf("parameters") + "." + guc, "comes from postgresql.listen; ignored here");
                params.remove(guc);
            } else if (guc.equals("cluster_name")) {
                s.problems().warning(s.pathOf("parameters") + "." + guc, "is always the scope; ignored here");
                params.remove(guc);
            } else if (CMDLINE_GUCS.contains(guc)) {
                s.problems().warning(s.pathOf("parameters") + "." + guc, "can only be set in the dynamic "
                        + "configuration (bootstrap.dcs.postgresql.parameters); ignored here");
                params.remove(guc);
            }
        }
        return params;
    }

    private static String unixSocketDir(Map<String, Object> parameters) {
        Object v = parameters.get("unix_socket_directories");
        if (v == null) {
            return null;
        }
        String first = v.toString().split(",")[0].trim();
        return first.isEmpty() ? null : first;
    }

    private static CallbacksConfig callbacks(Section s) {
        Section c = s.section("callbacks");
        c.warnUnknown(Set.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change"));
        return new CallbacksConfig(c.string("on_start"), c.string("on_stop"), c.string("on_restart"),
                c.string("on_reload"), c.string("on_role_change"), s.string("pre_promote"), s.string("before_stop"));
    }

    private static Duration pgCtlTimeout(Section s) {
        Duration d = s.duration("pg_ctl_timeout", Duration.ofSeconds(60), ChronoUnit.SECONDS);
        if (d.isZero()) {
            s.problems().error(s.pathOf("pg_ctl_timeout"), "must be more than 0");
        }
        return d;
    }

    /** {@code rewind:} as a map, or a list of {@code option} / {@code {option: value}} items. */
    private static Map<String, Object> rewindOptions(Section s) {
        Object v = s.raw("rewind");
        if (v instanceof java.util.List<?> list) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (item instanceof Map<?, ?> m && m.size() == 1) {
                    m.forEach((k, val) -> out.put(String.valueOf(k), val));
                } else if (item instanceof String str) {
                    out.put(str, true);
                } else {
                    s.problems().error(s.pathOf("rewind") + "[" + i + "]", "must be an option or {option: value}");
                }
            }
            return out;
        }
        return s.rawMap("rewind");
    }
}
