package io.patronijvm.pg.conf;

import io.patronijvm.core.pg.PgException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders Patroni-style tool options ({@code bootstrap.initdb}, {@code basebackup}, {@code rewind}):
 * a string becomes {@code --opt}, a single-entry map {@code --k=v}; a map section renders each
 * entry. Options the agent sets itself are refused, naming the section and the option.
 */
public final class ToolOptions {

    public static final Set<String> INITDB_FORBIDDEN = Set.of("pgdata", "nosync", "pwfile", "sync-only", "version");
    public static final Set<String> BASEBACKUP_FORBIDDEN = Set.of("pgdata", "format", "wal-method", "xlog-method",
            "gzip", "dbname", "host", "port", "username", "password", "version", "compress");
    public static final Set<String> REWIND_FORBIDDEN = Set.of("target-pgdata", "source-pgdata", "source-server",
            "write-recovery-conf", "dry-run", "restore-target-wal", "config-file", "version");

    private ToolOptions() {
    }

    /** {@code options} is a List (of strings / single-entry maps) or a Map; null renders nothing. */
    public static List<String> render(String section, Object options, Set<String> forbidden) throws PgException {
        List<String> out = new ArrayList<>();
        if (options == null) {
            return out;
        }
        if (options instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.add(pair(section, String.valueOf(e.getKey()), e.getValue(), forbidden));
            }
        } else if (options instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    if (m.size() != 1) {
                        throw new PgException(section + ": option " + m + " must be a single key: value");
                    }
                    Map.Entry<?, ?> e = m.entrySet().iterator().next();
                    out.add(pair(section, String.valueOf(e.getKey()), e.getValue(), forbidden));
                } else if (o instanceof String s) {
                    check(section, s, forbidden);
                    out.add("--" + s);
                } else {
                    throw new PgException(section + ": option " + o + " must be a string or a single key: value");
                }
            }
        } else {
            throw new PgException(section + " must be a list or a map of options, not " + options);
        }
        return out;
    }

    private static String pair(String section, String key, Object value, Set<String> forbidden) throws PgException {
        check(section, key, forbidden);
        return "--" + key + "=" + value;
    }

    private static void check(String section, String option, Set<String> forbidden) throws PgException {
        String name = option.replaceFirst("^-+", "");
        if (forbidden.contains(name)) {
            throw new PgException(section + ": option '" + name + "' is not allowed (the agent sets it itself); "
                    + "forbidden: " + new java.util.TreeSet<>(forbidden));
        }
    }
}
