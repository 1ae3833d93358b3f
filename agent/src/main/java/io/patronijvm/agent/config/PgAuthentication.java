package io.patronijvm.agent.config;

import io.patronijvm.core.config.Credentials;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code postgresql.authentication.{superuser,replication,rewind}}. */
final class PgAuthentication {

    private static final List<String> OPTIONS = List.of("sslmode", "sslkey", "sslpassword", "sslcert", "sslrootcert",
            "sslcrl", "sslcrldir", "sslnegotiation", "gssencmode", "channel_binding");

    record Users(Credentials superuser, Credentials replication, Credentials rewind) {
    }

    private PgAuthentication() {
    }

    static Users read(Section auth) {
        auth.warnUnknown(Set.of("superuser", "replication", "rewind"));
        return new Users(user(auth, "superuser", true), user(auth, "replication", true), user(auth, "rewind", false));
    }

    private static Credentials user(Section auth, String role, boolean required) {
        Section u = auth.section(role);
        if (u.isEmpty() && !required) {
            return null;
        }
        Set<String> known = new java.util.HashSet<>(OPTIONS);
        known.add("username");
        known.add("password");
        u.warnUnknown(known);
        String username = u.requiredString("username");
        Map<String, String> options = new LinkedHashMap<>();
        for (String option : OPTIONS) {
            String v = u.string(option);
            if (v != null) {
                options.put(option, v);
            }
        }
        return username == null ? null : new Credentials(username, u.string("password"), options);
    }
}
