package io.patronijvm.pg;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The output of {@code pg_controldata}, parsed into key → value, with typed accessors for what we use. */
public record ControlData(Map<String, String> values) {

    public ControlData {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Each line is {@code Key name:   value}; the key ends at the first colon. */
    public static ControlData parse(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return new ControlData(m);
    }

    public String get(String key) {
        return values.get(key);
    }

    public String sysid() {
        return values.get("Database system identifier");
    }

    /** {@code in production}, {@code shut down}, {@code shut down in recovery}, {@code in archive recovery} ... */
    public String clusterState() {
        return values.get("Database cluster state");
    }

    /** R34: states that need crash recovery before pg_rewind or a start as replica. */
    public boolean uncleanShutdown() {
        String s = clusterState();
        return "in production".equals(s) || "in crash recovery".equals(s) || "shutting down".equals(s);
    }

    public boolean cleanlyShutDownAsPrimary() {
        return "shut down".equals(clusterState());
    }

    public boolean shutDownInRecovery() {
        String s = clusterState();
        return "shut down in recovery".equals(s) || "in archive recovery".equals(s);
    }

    /** R36: pg_rewind needs hint bits in WAL, i.e. wal_log_hints on or data checksums. */
    public boolean rewindPossible() {
        String checksums = values.getOrDefault("Data page checksum version", "0");
        return "on".equals(values.get("wal_log_hints setting")) || !"0".equals(checksums);
    }

    public long checkpointLsn() {
        return Lsn.parse(values.get("Latest checkpoint location"));
    }

    public int checkpointTimeline() {
        return Integer.parseInt(values.getOrDefault("Latest checkpoint's TimeLineID", "0"));
    }

    public long minRecoveryEndLsn() {
        return Lsn.parse(values.getOrDefault("Minimum recovery ending location", "0/0"));
    }

    public int minRecoveryEndTimeline() {
        return Integer.parseInt(values.getOrDefault("Min recovery ending loc's timeline", "0"));
    }

    /** An integer setting such as {@code max_connections setting}, or -1. */
    public int intSetting(String key) {
        try {
            return Integer.parseInt(values.getOrDefault(key, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
