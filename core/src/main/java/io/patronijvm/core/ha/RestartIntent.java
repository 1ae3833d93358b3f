package io.patronijvm.core.ha;

import io.patronijvm.core.status.RestartRequest;

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
}
