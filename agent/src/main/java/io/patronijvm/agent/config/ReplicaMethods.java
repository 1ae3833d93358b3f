package io.patronijvm.agent.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code postgresql.create_replica_methods} and the option section of each method. */
final class ReplicaMethods {

    /** Spec 4.2: options we set ourselves, refused in the {@code basebackup} section. */
    private static final Set<String> FORBIDDEN_BASEBACKUP = Set.of("pgdata", "format", "wal-method", "xlog-method",
            "gzip", "dbname", "host", "port", "username", "password", "version", "compress", "D", "F", "X", "z", "d",
            "h", "p", "U", "W", "V", "Z");

    record Result(List<String> methods, Map<String, Object> options) {
    }

    private ReplicaMethods() {
    }

    static Result read(Section pg) {
        List<String> methods = pg.stringList("create_replica_methods");
        Map<String, Object> options = new LinkedHashMap<>();
        if (pg.has("basebackup")) {
            options.put("basebackup", pg.raw("basebackup"));
            checkBasebackup(pg);
        }
        for (String method : methods) {
            if (method.equals("basebackup")) {
                continue;
            }
            Section m = pg.section(method);
            if (m.isEmpty() || m.string("command") == null) {
                pg.problems().error(pg.pathOf(method), "replica method '" + method
                        + "' is listed in create_replica_methods but has no section with a command");
            } else {
                options.put(method, m.asMap());
            }
        }
        return new Result(methods, options);
    }

    private static void checkBasebackup(Section pg) {
        Object v = pg.raw("basebackup");
        String path = pg.pathOf("basebackup");
        if (v instanceof Map<?, ?> m) {
            m.keySet().forEach(k -> checkOption(pg, path + "." + k, String.valueOf(k)));
        } else if (v instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                String itemPath = path + "[" + i + "]";
                if (item instanceof Map<?, ?> m && m.size() == 1) {
                    checkOption(pg, itemPath, String.valueOf(m.keySet().iterator().next()));
                } else if (item instanceof String s) {
                    checkOption(pg, itemPath, s);
                } else {
                    pg.problems().error(itemPath, "must be an option or a single {option: value}");
                }
            }
        } else {
            pg.problems().error(path, "must be a list of options or a map");
        }
    }

    private static void checkOption(Section pg, String path, String option) {
        String name = option.replaceFirst("^-+", "");
        if (FORBIDDEN_BASEBACKUP.contains(name)) {
            pg.problems().error(path, "option '" + option + "' is set by patroni-jvm itself and may not be given here");
        }
    }
}
