package io.patronijvm.agent.config;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.BootstrapConfig.BootstrapUser;
import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.ConfigValues;
import io.patronijvm.core.config.DynamicConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads {@code bootstrap:} (spec 4.1, 3.3). */
final class BootstrapSection {

    private static final Set<String> STANDARD = Set.of("dcs", "method", "initdb", "pg_hba", "post_bootstrap",
            "post_init", "users");
    /** Patroni's {@code not_allowed_options}: set by the agent itself. */
    private static final Set<String> FORBIDDEN_INITDB = Set.of("pgdata", "nosync", "pwfile", "sync-only", "version");

    record Result(BootstrapConfig config, DynamicConfig dcs) {
    }

    private BootstrapSection() {
    }

    static Result read(Section s) {
        DynamicConfig dcs = dcs(s);
        String method = s.string("method");
        Map<String, Map<String, Object>> methods = new LinkedHashMap<>();
        for (String key : s.keys()) {
            if (STANDARD.contains(key)) {
                continue;
            }
            if (s.raw(key) instanceof Map<?, ?>) {
                methods.put(key, s.rawMap(key));
            } else {
                s.problems().warning(s.pathOf(key), "unknown key, ignored");
            }
        }
        if (method != null && !method.equals("initdb")) {
            Map<String, Object> section = methods.get(method);
            if (section == null || section.get("command") == null) {
                s.problems().error(s.pathOf("method"), "bootstrap method '" + method + "' needs a section bootstrap."
                        + method + " with a command");
            }
        }
        String post = s.string("post_bootstrap");
        if (post == null) {
            post = s.string("post_init");
        }
        BootstrapConfig config = new BootstrapConfig(s.section("dcs").asMap(), method, methods, initdb(s),
                s.stringList("pg_hba"), post, users(s));
        return new Result(config, dcs);
    }

    /** {@code bootstrap.dcs}: an invalid value is an error here, although the DCS reader falls back. */
    private static DynamicConfig dcs(Section s) {
        Section dcs = s.section("dcs");
        DynamicConfig.Checked checked = DynamicConfig.check(dcs.asMap());
        for (ConfigProblem p : checked.problems()) {
            s.problems().add(p.under(dcs.path()));
        }
        return checked.config();
    }

    private static List<Object> initdb(Section s) {
        List<Object> items = s.list("initdb");
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String path = s.pathOf("initdb") + "[" + i + "]";
            String option;
            if (item instanceof String str) {
                option = str;
            } else if (item instanceof Map<?, ?> m && m.size() == 1) {
                option = String.valueOf(m.keySet().iterator().next());
                Object value = m.values().iterator().next();
                if (value instanceof Map || value instanceof List) {
                    s.problems().error(path, "the value of option '" + option + "' must be a single value");
                }
            } else {
                s.problems().error(path, "must be an option (data-checksums) or a single {option: value}, found "
                        + ConfigValues.describe(item));
                continue;
            }
            String name = option.replaceFirst("^-+", "");
            if (FORBIDDEN_INITDB.contains(name)) {
                s.problems().error(path, "option '" + option + "' is set by patroni-jvm itself and may not be given");
            }
        }
        return items;
    }

    private static Map<String, BootstrapUser> users(Section s) {
        Section users = s.section("users");
        Map<String, BootstrapUser> out = new LinkedHashMap<>();
        for (String name : users.keys()) {
            Object v = users.raw(name);
            String path = users.pathOf(name);
            if (!(v instanceof Map<?, ?>)) {
                s.problems().error(path, "must be a map with password and options, found " + ConfigValues.describe(v));
                continue;
            }
            Section u = users.section(name);
            u.warnUnknown(Set.of("password", "options"));
            String password = u.string("password");
            if (password == null) {
                s.problems().error(u.pathOf("password"), "is required");
            }
            out.put(name, new BootstrapUser(password, u.stringList("options")));
        }
        return out;
    }
}
