package io.patronijvm.core.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code bootstrap:} section.
 *
 * @param dcs           initial dynamic configuration written to {@code config} when absent (raw map)
 * @param method        {@code initdb} or the name of a custom method section
 * @param methods       custom method sections by name ({@code command}, {@code no_params} ...)
 * @param initdb        initdb options as Patroni writes them: strings ({@code data-checksums}) or single-entry maps ({@code encoding: UTF8})
 * @param pgHba         lines appended to pg_hba.conf after initdb
 * @param postBootstrap script run once after bootstrap ({@code post_bootstrap} or {@code post_init}), or null
 * @param users         {@code bootstrap.users}: name → {password, options[]} (3.x)
 */
public record BootstrapConfig(
        Map<String, Object> dcs,
        String method,
        Map<String, Map<String, Object>> methods,
        List<Object> initdb,
        List<String> pgHba,
        String postBootstrap,
        Map<String, BootstrapUser> users) {

    public BootstrapConfig {
        dcs = dcs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dcs));
        method = method == null ? "initdb" : method;
        methods = methods == null ? Map.of() : Map.copyOf(methods);
        initdb = initdb == null ? List.of() : List.copyOf(initdb);
        pgHba = pgHba == null ? List.of() : List.copyOf(pgHba);
        users = users == null ? Map.of() : Map.copyOf(users);
    }

    public static final BootstrapConfig NONE = new BootstrapConfig(null, null, null, null, null, null, null);

    /** A user created at bootstrap; {@code options} are CREATE ROLE options such as {@code createdb}. */
    public record BootstrapUser(String password, List<String> options) {
        public BootstrapUser {
            options = options == null ? List.of() : List.copyOf(options);
        }

        @Override
        public String toString() {
            return "BootstrapUser[password=***, options=" + options + "]";
        }
    }
}
