package io.patronijvm.core.status;

import java.time.Instant;
import java.util.Objects;

/**
 * One notable HA decision or role change of this node (a promotion, a demotion, a failover, a
 * switchover, a pause), as the status page and {@code GET /events} show it. Immutable.
 *
 * @param at       wall time the loop recorded it (display only)
 * @param member   the member that decided
 * @param kind     short category: {@code failover}, {@code switchover}, {@code promotion},
 *                 {@code demotion}, {@code pause}, {@code resume}, {@code role}, ...
 * @param reason   the decider's {@code Reason} name, or {@code from -> to} for a role change
 * @param message  the one-line sentence the loop logged for it
 * @param timeline PostgreSQL's timeline when it was recorded, 0 when unknown
 */
public record HaEvent(Instant at, String member, String kind, String reason, String message, int timeline) {

    public HaEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(kind, "kind");
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
    }
}
