package io.patronijvm.pg.sql;

import io.patronijvm.core.config.Credentials;
import org.postgresql.PGProperty;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
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
        return DriverManager.getConnection(url(host, port), props(user, socketTimeout));
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
        return DriverManager.getConnection(url(host, port), p);
    }

    private static String url(String host, int port) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/postgres";
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
        String sslmode = user.options().get("sslmode");
        if (sslmode != null) {
            PGProperty.SSL_MODE.set(p, sslmode);
        }
        return p;
    }
}
