package io.patronijvm.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * JDBC as a client application uses it, every call bounded: connect 2 s, login 3 s, socket 5 s.
 * prepareThreshold=0 because PgBouncer's transaction pooling cannot keep server-side
 * prepared statements.
 */
final class Pg {

    private Pg() {
    }

    static Connection connect(String host, int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", LocalCluster.PASSWORD);
        p.setProperty("connectTimeout", "2");
        p.setProperty("loginTimeout", "3");
        p.setProperty("socketTimeout", "5");
        p.setProperty("prepareThreshold", "0");
        p.setProperty("ApplicationName", "patroni-jvm-e2e");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
    }

    static void execute(String host, int port, String sql) throws SQLException {
        try (Connection c = connect(host, port); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** First column of every row, as text. */
    static List<String> column(String host, int port, String sql) throws SQLException {
        try (Connection c = connect(host, port); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    static String scalar(String host, int port, String sql) throws SQLException {
        List<String> c = column(host, port, sql);
        if (c.isEmpty()) {
            throw new SQLException("no row from " + sql);
        }
        return c.get(0);
    }

    /** The value, or null when the query failed (for polling). */
    static String scalarOrNull(String host, int port, String sql) {
        try {
            return scalar(host, port, sql);
        } catch (SQLException e) {
            return null;
        }
    }
}
