package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks Patroni 3.0.2's {@code --validate-config} makes on the configuration file (its
 * {@code validator.schema}), beyond what the agent needs to start: required sections and keys,
 * their types, connect addresses that other nodes can reach (no loopback literal), listen ports
 * that are free, a reachable DCS, a data directory that is empty or a PostgreSQL one of the
 * installed major version, a bin_dir with the PostgreSQL programs. The verdict is Patroni's; the
 * messages name the key and say what is wrong in our words. Checks that touch the machine go
 * through {@link Probe}, so tests can decide what is "in use" or "reachable".
 */
final class PatroniSchema {

    /** The DCS sections Patroni 3.0.2 knows; one of them must be present. */
    private static final List<String> DCS = List.of("consul", "etcd", "etcd3", "exhibitor", "kubernetes", "raft",
            "zookeeper");
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "0.0.0.0", "*", "::1", "localhost");
    private static final List<String> PROGRAMS = List.of("pg_ctl", "initdb", "pg_controldata", "pg_basebackup",
            "postgres", "pg_isready");

    /** What the checks ask of the machine. */
    interface Probe {
        /** Something accepts TCP connections on host:port (a listen port in use, a DCS that answers). */
        boolean accepts(String host, int port);

        /** Null when {@code dataDir} is fine for Patroni, else what is wrong with it. */
        String dataDirProblem(String dataDir, String binDir);

        /** The programs of {@code programs} that {@code binDir} lacks, or a problem with the directory itself. */
        List<String> binDirProblems(String binDir, List<String> programs);
    }

    private final Probe probe;
    private final boolean ignoreListenPort;
    private final List<ConfigProblem> out = new ArrayList<>();

    private PatroniSchema(Probe probe, boolean ignoreListenPort) {
        this.probe = probe;
        this.ignoreListenPort = ignoreListenPort;
    }

    /** @param ignoreListenPort Patroni 3.3's {@code --ignore-listen-port}: a listen port in use is fine */
    static List<ConfigProblem> check(Object document, Probe probe, boolean ignoreListenPort) {
        PatroniSchema s = new PatroniSchema(probe, ignoreListenPort);
        if (!(document instanceof Map<?, ?> doc)) {
            s.error("", "the configuration is not a mapping of keys");
            return s.out;
        }
        s.root(doc);
        return s.out;
    }

    private void root(Map<?, ?> doc) {
        string(doc, "name", "");
        string(doc, "scope", "");
        Map<?, ?> restapi = section(doc, "restapi", "", true);
        if (restapi != null) {
            listen(restapi, "restapi.listen", false);
            connectAddress(restapi, "restapi", "connect_address", true);
        }
        Map<?, ?> bootstrap = section(doc, "bootstrap", "", false);
        if (bootstrap != null) {
            Map<?, ?> dcs = section(bootstrap, "dcs", "bootstrap.", true);
            if (dcs != null) {
                for (String k : List.of("ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover")) {
                    integer(dcs, k, "bootstrap.dcs.", false);
                }
            }
            list(bootstrap, "pg_hba", "bootstrap.", true, false);
            list(bootstrap, "initdb", "bootstrap.", true, true);
        }
        dcs(doc);
        Map<?, ?> citus = section(doc, "citus", "", false);
        if (citus != null) {
            string(citus, "database", "citus.");
            integer(citus, "group", "citus.", true);
        }
        Map<?, ?> pg = section(doc, "postgresql", "", true);
        if (pg != null) {
            postgresql(pg);
        }
        watchdogAndTags(doc);
    }

    private void dcs(Map<?, ?> doc) {
        List<String> present = DCS.stream().filter(doc::containsKey).toList();
        if (present.isEmpty()) {
            error("", "no DCS section: one of " + String.join(", ", DCS) + " is required");
            return;
        }
        if (present.contains("consul")) {
            Map<?, ?> consul = section(doc, "consul", "", true);
            if (consul == null) {
                return;
            }
            if (consul.containsKey("host")) {
                reachable(consul, "consul.host");
            } else if (consul.containsKey("url")) {
                string(consul, "url", "consul.");
            } else {
                error("consul", "needs host or url");
            }
        }
    }

    private void postgresql(Map<?, ?> pg) {
        listen(pg, "postgresql.listen", true);
        connectAddress(pg, "postgresql", "connect_address", true);
        connectAddress(pg, "postgresql", "proxy_address", false);
        Map<?, ?> auth = section(pg, "authentication", "postgresql.", true);
        if (auth != null) {
            for (String user : List.of("replication", "superuser", "rewind")) {
                Map<?, ?> u = section(auth, user, "postgresql.authentication.", true);
                if (u != null) {
                    string(u, "username", "postgresql.authentication." + user + ".");
                    if (u.containsKey("password") && !(u.get("password") instanceof String)) {
                        error("postgresql.authentication." + user + ".password", "must be a string");
                    }
                }
            }
        }
        String binDir = pg.get("bin_dir") instanceof String b ? b : null;
        if (string(pg, "data_dir", "postgresql.")) {
            String problem = ((String) pg.get("data_dir")).isEmpty() ? "is empty"
                    : probe.dataDirProblem((String) pg.get("data_dir"), binDir);
            if (problem != null) {
                error("postgresql.data_dir", problem);
            }
        }
        if (pg.containsKey("bin_dir")) {
            if (binDir == null || binDir.isEmpty()) {
                error("postgresql.bin_dir", "must name a directory");
            } else {
                probe.binDirProblems(binDir, PROGRAMS).forEach(p -> error("postgresql.bin_dir", p));
            }
        }
        Map<?, ?> params = section(pg, "parameters", "postgresql.", false);
        if (params != null && params.containsKey("unix_socket_directories")
                && !(params.get("unix_socket_directories") instanceof String s && !s.isEmpty())) {
            error("postgresql.parameters.unix_socket_directories", "must be a non-empty string");
        }
        list(pg, "pg_hba", "postgresql.", false, false);
        list(pg, "pg_ident", "postgresql.", false, false);
        integer(pg, "pg_ctl_timeout", "postgresql.", false);
        bool(pg, "use_pg_rewind", "postgresql.");
    }

    private void watchdogAndTags(Map<?, ?> doc) {
        Map<?, ?> watchdog = section(doc, "watchdog", "", false);
        if (watchdog != null) {
            if (watchdog.containsKey("mode") && !List.of("off", "automatic", "required").contains(watchdog.get("mode"))) {
                error("watchdog.mode", "must be off, automatic or required (quoted: YAML reads a bare off as false)");
            }
            if (watchdog.containsKey("device") && !(watchdog.get("device") instanceof String)) {
                error("watchdog.device", "must be a string");
            }
        }
        Map<?, ?> tags = section(doc, "tags", "", false);
        if (tags != null) {
            for (String t : List.of("nofailover", "clonefrom", "noloadbalance", "nosync")) {
                bool(tags, t, "tags.");
            }
            if (tags.containsKey("replicatefrom") && !(tags.get("replicatefrom") instanceof String)) {
                error("tags.replicatefrom", "must be a member name (a string)");
            }
        }
    }

    private void listen(Map<?, ?> section, String path, boolean multipleHosts) {
        String key = path.substring(path.indexOf('.') + 1);
        HostPort hp = hostPort(section, key, path, true);
        if (hp == null || ignoreListenPort) {
            return;
        }
        List<String> hosts = multipleHosts ? List.of(hp.host.split(",")) : List.of(hp.host);
        for (String h : hosts) {
            String host = h.strip();
            if (probe.accepts(host.equals("*") ? "0.0.0.0" : host, hp.port)) {
                error(path, "port " + hp.port + " is already in use (start with --ignore-listen-port to skip this check)");
                return;
            }
        }
    }

    private void reachable(Map<?, ?> section, String path) {
        HostPort hp = hostPort(section, "host", path, true);
        if (hp != null && !probe.accepts(hp.host, hp.port)) {
            error(path, hp.host + ":" + hp.port + " does not answer; Patroni's validation needs the DCS reachable");
        }
    }

    private void connectAddress(Map<?, ?> section, String prefix, String key, boolean required) {
        String path = prefix + "." + key;
        HostPort hp = hostPort(section, key, path, required);
        if (hp != null && LOOPBACK.contains(hp.host)) {
            error(path, "'" + hp.host + "' cannot be reached from other nodes: give an address they can connect to");
        }
    }

    private record HostPort(String host, int port) {
    }

    /** Patroni's split_host_port: {@code host:port} with the port after the last colon, brackets stripped. */
    private HostPort hostPort(Map<?, ?> section, String key, String path, boolean required) {
        if (!section.containsKey(key)) {
            if (required) {
                error(path, "is required");
            }
            return null;
        }
        if (!(section.get(key) instanceof String text)) {
            error(path, "must be a host:port string");
            return null;
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            boolean needsPort = path.endsWith("listen") || path.equals("consul.host");
            if (needsPort) {
                error(path, "'" + text + "' has no port (write host:port)");
                return null;
            }
            return new HostPort(text.replace("[", "").replace("]", "").strip(), 1);
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "").strip();
        try {
            return new HostPort(host, Integer.parseInt(text.substring(colon + 1).strip()));
        } catch (NumberFormatException e) {
            error(path, "'" + text + "' has a port that is not a number");
            return null;
        }
    }

    private Map<?, ?> section(Map<?, ?> parent, String key, String prefix, boolean required) {
        if (!parent.containsKey(key)) {
            if (required) {
                error(prefix + key, "is required");
            }
            return null;
        }
        if (parent.get(key) instanceof Map<?, ?> m) {
            return m;
        }
        error(prefix + key, "must be a mapping of keys");
        return null;
    }

    private boolean string(Map<?, ?> m, String key, String prefix) {
        if (!m.containsKey(key)) {
            error(prefix + key, "is required");
            return false;
        }
        if (!(m.get(key) instanceof String)) {
            error(prefix + key, "must be a string (quote it)");
            return false;
        }
        return true;
    }

    /** Python's int: a boolean counts, a float does not. */
    private void integer(Map<?, ?> m, String key, String prefix, boolean required) {
        if (!m.containsKey(key)) {
            if (required) {
                error(prefix + key, "is required");
            }
            return;
        }
        Object v = m.get(key);
        if (!(v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger || v instanceof Boolean)) {
            error(prefix + key, "must be a whole number");
        }
    }

    private void bool(Map<?, ?> m, String key, String prefix) {
        if (m.containsKey(key) && !(m.get(key) instanceof Boolean)) {
            error(prefix + key, "must be true or false");
        }
    }

    /** A non-empty list of strings (or, with {@code dicts}, strings and mappings). */
    private void list(Map<?, ?> m, String key, String prefix, boolean required, boolean dicts) {
        if (!m.containsKey(key)) {
            if (required) {
                error(prefix + key, "is required");
            }
            return;
        }
        if (!(m.get(key) instanceof List<?> l)) {
            error(prefix + key, "must be a list");
            return;
        }
        if (l.isEmpty()) {
            error(prefix + key, "is an empty list");
        }
        for (int i = 0; i < l.size(); i++) {
            Object v = l.get(i);
            if (!(v instanceof String || dicts && v instanceof Map)) {
                error(prefix + key + "." + i, dicts ? "must be a string or a mapping" : "must be a string");
            }
        }
    }

    private void error(String path, String message) {
        out.add(ConfigProblem.error(path, message));
    }
}
