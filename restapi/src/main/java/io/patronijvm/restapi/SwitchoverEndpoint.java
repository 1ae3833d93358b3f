package io.patronijvm.restapi;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.status.NodeControl;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * {@code POST /switchover}, {@code POST /failover} and {@code DELETE /switchover} (spec 1.6).
 * Validation runs in Patroni's order with its messages; the request is recorded as the DCS
 * {@code failover} key (the loop acts on it), and an immediate one is then watched in the DCS.
 */
final class SwitchoverEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(SwitchoverEndpoint.class);

    private final NodeControl node;
    private final Dcs dcs;
    private final ReadEndpoints reads;
    private final FailoverCandidates candidates;
    private final MonotonicClock clock;
    private final RestApiOptions options;

    SwitchoverEndpoint(NodeControl node, Dcs dcs, ReadEndpoints reads, FailoverCandidates candidates,
                       MonotonicClock clock, RestApiOptions options) {
        this.node = node;
        this.dcs = dcs;
        this.reads = reads;
        this.candidates = candidates;
        this.clock = clock;
        this.options = options;
    }

    void post(RestExchange ctx, String requested) throws InterruptedException {
        Map<String, Object> body = JsonBody.read(ctx, false);
        String action = requested;
        String leader = name(body, "leader");
        String candidate = name(body, "candidate");
        if (candidate == null) {
            candidate = name(body, "member");
        }
        Object scheduledText = body.get("scheduled_at");
        ClusterView view = reads.freshCluster();
        boolean paused = view.isPaused();
        LOG.info("received {} request with leader={} candidate={} scheduled_at={}", action, leader, candidate,
                scheduledText);
        if (action.equals("failover") && candidate == null) {
            throw new HttpError(400, "Failover could be performed only to a specific candidate");
        }
        if (action.equals("switchover") && leader == null) {
            throw new HttpError(400, "Switchover could be performed only from a specific leader");
        }
        OffsetDateTime scheduledAt = null;
        if (scheduledText != null && !"".equals(scheduledText)) {
            if (action.equals("failover")) {
                throw new HttpError(400, "Failover can't be scheduled");
            }
            if (paused) {
                throw new HttpError(400, "Can't schedule switchover in the paused state");
            }
            scheduledAt = Schedule.parse(scheduledText, action, clock.wallNow());
        }
        if (paused && candidate == null) {
            throw new HttpError(400, "Switchover is possible only to a specific candidate in a paused state");
        }
        if (action.equals("failover") && leader != null) {
            action = "switchover";
        }
        if (leader != null && leader.equals(candidate)) {
            throw new HttpError(400, "Switchover target and source are the same");
        }
        if (scheduledAt == null) {
            String problem = candidates.whyNot(view, leader, candidate, action);
            if (problem != null) {
                throw new HttpError(412, problem);
            }
        }
        DcsOutcome written = dcs.writeFailover(new Failover(leader, candidate, scheduledAt, 0), -1);
        if (!written.ok()) {
            throw new HttpError(503, "failed to write failover key into DCS");
        }
        node.wakeUp();
        if (scheduledAt != null) {
            Reply.text(ctx, 202, title(action) + " scheduled");
            return;
        }
        String oldLeader = view.leader() == null ? null : view.leader().name();
        Outcome result = poll(oldLeader, candidate, action, view);
        Reply.text(ctx, result.code(), result.message());
    }

    private record Outcome(int code, String message) {
    }

    /** Patroni's poll_failover_result: read the DCS every poll interval until the leader changes. */
    private Outcome poll(String oldLeader, String candidate, String action, ClusterView view)
            throws InterruptedException {
        Duration wait = options.switchoverWait() != null ? options.switchoverWait()
                : Duration.ofSeconds(2L * Math.max(10, loopWait(view)));
        Deadline deadline = Deadline.after(clock, wait);
        String verb = action.equals("switchover") ? "switched" : "failed";
        while (!deadline.expired()) {
            options.sleeper().sleep(deadline.remainingCappedAt(options.switchoverPoll()));
            ClusterView now;
            try {
                now = dcs.loadCluster();
            } catch (DcsUnavailableException e) {
                LOG.debug("polling {} result: {}", action, e.getMessage());
                continue;
            }
            if (now.leader() != null && !now.leader().name().equals(oldLeader)) {
                String newLeader = now.leader().name();
                if (candidate == null || candidate.equals(newLeader)) {
                    return new Outcome(200, "Successfully " + verb + " over to \"" + newLeader + "\"");
                }
                return new Outcome(200, title(verb) + " over to \"" + newLeader + "\" instead of \"" + candidate + "\"");
            }
            if (now.failover() == null || now.failover().isEmpty()) {
                return new Outcome(503, title(action) + " failed");
            }
        }
        return new Outcome(503, title(action) + " status unknown");
    }

    private static int loopWait(ClusterView view) {
        Object v = view.config() == null ? null : view.config().data().get("loop_wait");
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return v == null ? 10 : Integer.parseInt(v.toString().strip());
        } catch (NumberFormatException e) {
            return 10;
        }
    }

    /** DELETE /switchover: clears a scheduled request with CAS (spec 1.6). */
    void delete(RestExchange ctx) {
        ClusterView view = reads.freshCluster();
        Failover f = view.failover();
        if (f == null || f.scheduledAt() == null) {
            Reply.text(ctx, 404, "no switchover is scheduled");
            return;
        }
        DcsOutcome outcome = dcs.writeFailover(null, f.version());
        if (!outcome.ok()) {
            throw new HttpError(409, "Conflict: the switchover was changed concurrently");
        }
        Reply.text(ctx, 200, "scheduled switchover deleted");
    }

    /** A member name field: absent, null or "" mean none; anything but a string is a 400. */
    private static String name(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null || "".equals(v)) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new HttpError(400, "Bad request: '" + field + "' must be a string");
        }
        return s;
    }

    private static String title(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
