package io.patronijvm.core.ha;

import io.patronijvm.core.status.RestartRequest;
import io.patronijvm.core.time.IsoTimes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A restart the REST API or CLI asked for (R64), held by the loop until decided.
 *
 * @param request                    the validated request (schedule, role, version, timeout, pending-only)
 * @param postmasterStartTimeAtRequest {@code pg_postmaster_start_time()} when the request came in; a scheduled
 *                                   restart is dropped if the postmaster restarted meanwhile (R64)
 */
public record RestartIntent(RestartRequest request, String postmasterStartTimeAtRequest) {
    public RestartIntent {
        java.util.Objects.requireNonNull(request, "request");
    }

    /**
     * Patroni's {@code scheduled_restart} as published in the member key (with the postmaster start
     * time) or on {@code GET /patroni} (without it); null for a restart that is not scheduled.
     */
    public Map<String, Object> scheduledView(boolean withPostmasterStartTime) {
        if (request.schedule() == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schedule", IsoTimes.python(request.schedule()));
        if (request.role() != null) {
            out.put("role", request.role().wire());
        }
        if (request.postgresVersion() > 0) {
            out.put("postgres_version", versionText(request.postgresVersion()));
        }
        if (request.timeout() != null) {
            out.put("timeout", request.timeout().toSeconds());
        }
        if (request.restartPending()) {
            out.put("restart_pending", true);
        }
        if (withPostmasterStartTime && postmasterStartTimeAtRequest != null) {
            out.put("postmaster_start_time", postmasterStartTimeAtRequest);
        }
        return out;
    }

    /** 150004 -> "15.4", 90624 -> "9.6.24" (the X.Y or X.Y.Z form the request accepted). */
    static String versionText(int v) {
        int major = v / 10000;
        return major >= 10 ? major + "." + v % 10000 : major + "." + v / 100 % 100 + "." + v % 100;
    }
}
