package io.patronijvm.agent.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.pg.LocalPgState;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code members/<name>} value exactly as Patroni 3.x writes it (spec 2.2, decision 1). */
public final class MemberData {

    public static final String PROTOCOL_VERSION = "3.3.1";

    private MemberData() {
    }

    public static Map<String, Object> of(String connUrl, String apiUrl, LocalPgState pg, Role role, Tags tags,
                                         boolean paused, Boolean checkpointAfterPromote) {
        return of(connUrl, apiUrl, pg, role, tags, paused, checkpointAfterPromote, null);
    }

    /** @param scheduledRestart Patroni's {@code scheduled_restart} object, or null */
    public static Map<String, Object> of(String connUrl, String apiUrl, LocalPgState pg, Role role, Tags tags,
                                         boolean paused, Boolean checkpointAfterPromote,
                                         Map<String, Object> scheduledRestart) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("conn_url", connUrl);
        m.put("api_url", apiUrl);
        m.put("state", pg.runState().wire());
        m.put("role", role.wire());
        m.put("version", PROTOCOL_VERSION);
        long wal = pg.walPosition();
        if (wal >= 0) {
            m.put("xlog_location", wal);
        }
        if (pg.timeline() > 0) {
            m.put("timeline", pg.timeline());
        }
        if (pg.isReplica()) {
            m.put("replication_state", pg.streaming() ? "streaming" : "in archive recovery");
        }
        if (tags != null && !tags.isEmpty()) {
            m.put("tags", tags.all());
        }
        if (pg.pendingRestart()) {
            m.put("pending_restart", true);
        }
        if (scheduledRestart != null) {
            m.put("scheduled_restart", scheduledRestart);
        }
        if (paused) {
            m.put("pause", true);
        }
        if (checkpointAfterPromote != null) {
            m.put("checkpoint_after_promote", checkpointAfterPromote);
        }
        return m;
    }
}
