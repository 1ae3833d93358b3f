package io.patronijvm.pg.sql;

import io.patronijvm.core.config.Credentials;
import org.postgresql.PGProperty;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Opens JDBC connections with every pgjdbc timeout set (style 6): pgjdbc's defaults for
 * loginTimeout and socketTimeout are 0 = wait forever. TCP only (pgjdbc has no unix sockets
 * without an extra library).
 */
public final class PgConnector {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(5);

    private PgConnector() {
    }

    /** A normal connection to database {@code postgres}; {@code socketTimeout} bounds each statement. */
    public static Connection connect(String host, int port, Credentials user, Duration socketTimeout) throws SQLException {
        return connect(host, port, "postgres", user, socketTimeout);
    }

    /** A normal connection to {@code database}. */
    public static Connection connect(String host, int port, String database, Credentials user, Duration socketTimeout)
            throws SQLException {
        return DriverManager.getConnection(url(host, port, database), props(user, socketTimeout));
    }

    /**
     * A walsender connection ({@code replication=database}, simple query mode) on which
     * {@code IDENTIFY_SYSTEM} and {@code TIMELINE_HISTORY} can be sent as plain queries.
     */
    public static Connection connectReplication(String host, int port, Credentials user, Duration socketTimeout)
            throws SQLException {
        Properties p = props(user, socketTimeout);
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection(url(host, port, "postgres"), p);
    }

    private static String url(String host, int port, String database) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + java.net.URLEncoder.encode(database,
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void setIf(Properties p, PGProperty key, String value) {
        if (value != null && !value.isBlank()) {
            key.set(p, value);
        }
    }

    private static Properties props(Credentials user, Duration socketTimeout) {
        Properties p = new Properties();
        PGProperty.USER.set(p, user.username());
        if (user.password() != null) {
            PGProperty.PASSWORD.set(p, user.password());
        }
        PGProperty.CONNECT_TIMEOUT.set(p, (int) CONNECT_TIMEOUT.toSeconds());
        PGProperty.LOGIN_TIMEOUT.set(p, (int) LOGIN_TIMEOUT.toSeconds());
        PGProperty.SOCKET_TIMEOUT.set(p, (int) Math.max(1, socketTimeout.toSeconds()));
        PGProperty.APPLICATION_NAME.set(p, "patroni-jvm");
        // authentication.<user>.ssl*: the libpq options Patroni passes on, in pgjdbc's terms.
        Map<String, String> o = user.options();
        setIf(p, PGProperty.SSL_MODE, o.get("sslmode"));
        setIf(p, PGProperty.SSL_CERT, o.get("sslcert"));
        setIf(p, PGProperty.SSL_KEY, o.get("sslkey") == null ? null : SslKeys.forJdbc(o.get("sslkey")));
        setIf(p, PGProperty.SSL_ROOT_CERT, o.get("sslrootcert"));
        setIf(p, PGProperty.SSL_PASSWORD, o.get("sslpassword"));
        return p;
    }
}
