package io.patronijvm.pg.sql;

import io.patronijvm.core.config.BootstrapConfig.BootstrapUser;
import io.patronijvm.core.config.Credentials;
import io.patronijvm.core.pg.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** R16: the users Patroni creates after bootstrap, created or altered idempotently. */
public final class Roles {

    private static final Logger log = LoggerFactory.getLogger(Roles.class);
    /** Role options are keywords (and a number for CONNECTION LIMIT); anything else would be SQL injection. */
    private static final Pattern OPTION = Pattern.compile("[A-Za-z]+( [A-Za-z0-9]+)*");
    static final List<String> REWIND_GRANTS = List.of(
            "pg_catalog.pg_ls_dir(text, boolean, boolean)",
            "pg_catalog.pg_stat_file(text, boolean)",
            "pg_catalog.pg_read_binary_file(text)",
            "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)");

    private Roles() {
    }

    public static void createAll(Connection c, Credentials superuser, Credentials replication, Credentials rewind,
                                 Map<String, BootstrapUser> users) throws PgException {
        try (Statement st = c.createStatement()) {
            // Only the local node must have these before we report success; replicas follow.
            st.execute("SET synchronous_commit = 'local'");
            upsert(st, superuser.username(), superuser.password(), List.of("SUPERUSER", "LOGIN"));
            upsert(st, replication.username(), replication.password(), List.of("LOGIN", "REPLICATION"));
            if (rewind != null && !rewind.username().equals(superuser.username())) {
                upsert(st, rewind.username(), rewind.password(), List.of("LOGIN"));
                for (String fn : REWIND_GRANTS) {
                    st.execute("GRANT EXECUTE ON function " + fn + " TO " + ident(rewind.username()));
                }
            }
            for (Map.Entry<String, BootstrapUser> u : users.entrySet()) {
                upsert(st, u.getKey(), u.getValue().password(), u.getValue().options());
            }
        } catch (SQLException e) {
            throw new PgException("creating users failed: " + e.getMessage(), e);
        }
    }

    private static void upsert(Statement st, String name, String password, List<String> options)
            throws SQLException, PgException {
        List<String> all = new java.util.ArrayList<>(options.stream().map(o -> o.trim().toUpperCase(Locale.ROOT)).toList());
        // As Patroni: a bootstrap user can log in unless its options say otherwise.
        if (!all.contains("LOGIN") && !all.contains("NOLOGIN")) {
            all.add("LOGIN");
        }
        StringBuilder opts = new StringBuilder();
        for (String o : all) {
            if (!OPTION.matcher(o.trim()).matches()) {
                throw new PgException("bootstrap.users." + name + ": option '" + o + "' is not a role keyword");
            }
            opts.append(' ').append(o.trim().toUpperCase(Locale.ROOT));
        }
        if (password != null) {
            opts.append(" PASSWORD ").append(literal(password));
        }
        String body = "ROLE " + ident(name) + " WITH" + opts;
        st.execute("DO $patroni$ BEGIN "
                + "IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = " + literal(name) + ") "
                + "THEN ALTER " + body + "; ELSE CREATE " + body + "; END IF; END $patroni$");
        log.info("role {} created or updated", name);
    }

    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
