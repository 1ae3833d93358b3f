package io.patronijvm.pg.sql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/** The two walsender commands the divergence check needs (R37), sent as simple queries. */
public final class ReplicationProtocol {

    private ReplicationProtocol() {
    }

    public record SystemId(String sysid, int timeline, String xlogpos) {
    }

    public static SystemId identifySystem(Connection replication) throws SQLException {
        try (Statement st = replication.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return new SystemId(rs.getString(1), rs.getInt(2), rs.getString(3));
        }
    }

    /** The content of {@code <tl>.history}. The walsender sends it raw though typed bytea. */
    public static String timelineHistory(Connection replication, int timeline) throws SQLException {
        try (Statement st = replication.createStatement();
             ResultSet rs = st.executeQuery("TIMELINE_HISTORY " + timeline)) {
            rs.next();
            String content = rs.getString(2);
            if (content != null && content.startsWith("\\x")) {
                content = new String(HexFormat.of().parseHex(content.substring(2)), StandardCharsets.UTF_8);
            }
            return content == null ? "" : content;
        }
    }

    /** SQL check before trusting the leader as a rewind source: it must not be in recovery. */
    public static boolean inRecovery(Connection sql) throws SQLException {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
