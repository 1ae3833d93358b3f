package io.patronijvm.core.config;

import java.util.Map;

/**
 * One of {@code postgresql.authentication.{superuser,replication,rewind}}: a user name, an
 * optional password and libpq SSL/GSS options ({@code sslmode}, {@code sslcert} ...).
 */
public record Credentials(String username, String password, Map<String, String> options) {
    public Credentials {
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    @Override
    public String toString() {
        // Passwords never reach logs.
        return "Credentials[username=" + username + ", password=" + (password == null ? "none" : "***")
                + ", options=" + options.keySet() + "]";
    }
}
