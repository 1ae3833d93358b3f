package io.patronijvm.restapi;

import io.patronijvm.core.status.StatusFacts;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.status.IntentResult;
import io.patronijvm.core.status.NodeControl;
import io.patronijvm.core.status.RestartRequest;
import io.patronijvm.core.status.StatusSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * The unsafe endpoints except switchover/failover (spec 1.6). Access is checked by the caller.
 * Intents go to the loop through {@link NodeControl} (style guideline 12: the REST thread never
 * touches PostgreSQL); configuration changes are written to the DCS as Patroni does.
 */
final class WriteEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(WriteEndpoints.class);

    private final NodeControl node;
    private final Dcs dcs;
    private final ReadEndpoints reads;

    WriteEndpoints(NodeControl node, Dcs dcs, ReadEndpoints reads) {
        this.node = node;
        this.dcs = dcs;
        this.reads = reads;
    }

    /** PATCH /config: merge, CAS on the config key's index; 503 without a config, 409 on CAS loss. */
    void patchConfig(RestExchange ctx) {
        Map<String, Object> patch = JsonBody.read(ctx, false);
        ClusterView view = reads.freshCluster();
        if (view.config() == null || view.config().version() <= 0) {
            throw new HttpError(503, "Service Unavailable: no configuration in the DCS");
        }
        Map<String, Object> data = ConfigPatch.deepCopy(view.config().data());
        if (ConfigPatch.apply(data, patch)) {
            DcsOutcome outcome = dcs.writeConfig(data, view.config().version());
            if (outcome.kind() == DcsOutcome.Kind.CONFLICT) {
                throw new HttpError(409, "Conflict: the configuration was changed concurrently");
            }
            if (!outcome.ok()) {
                throw new HttpError(503, "Service Unavailable: failed to write the configuration: " + outcome.detail());
            }
        }
        node.wakeUp();
        Reply.json(ctx, 200, data);
    }

    /** PUT /config: replace unconditionally, skipped when identical; 502 when the write fails. */
    void putConfig(RestExchange ctx) {
        Map<String, Object> body = JsonBody.read(ctx, false);
        ClusterView view = reads.freshCluster();
        // Both sides are decoded JSON (same number types for the same text), so Map equality is JSON equality.
        boolean same = view.config() != null && body.equals(view.config().data());
        if (!same) {
            DcsOutcome outcome = dcs.writeConfig(body, -1);
            if (!outcome.ok()) {
                throw new HttpError(502, "Bad Gateway: failed to write the configuration: " + outcome.detail());
            }
        }
        node.wakeUp();
        Reply.json(ctx, 200, body);
    }

    void reload(RestExchange ctx) {
        IntentResult r = node.reloadConfig();
        if (r.kind() == IntentResult.Kind.DONE || r.kind() == IntentResult.Kind.SCHEDULED) {
            Reply.text(ctx, 202, "reload scheduled");
        } else {
            Reply.text(ctx, IntentCodes.code(r), IntentCodes.message(r, "reload failed"));
        }
    }

    /** POST /restart: validate like Patroni, then either restart now (waits) or schedule. */
    void restart(RestExchange ctx) throws InterruptedException {
        Map<String, Object> body = JsonBody.read(ctx, true);
        StatusSnapshot s = reads.snapshot();
        if (s.paused() && body.containsKey("schedule")) {
            // Patroni answers 500 here; the spec keeps it (the one 5xx an operator can cause).
            throw new HttpError(500, "Can't schedule restart in the paused state");
        }
        RestartRequest request = RestartRequests.parse(body, node.clock().wallNow());
        Duration wait = restartWait(s, request);
        IntentResult r;
        try {
            r = node.restart(request, wait);
        } catch (RuntimeException e) {
            // Patroni answers 400 when the restart raised; keep the cause in our log, not the body.
            LOG.warn("restart request failed", e);
            throw new HttpError(400, "restart failed");
        }
        if (request.schedule() != null) {
            switch (r.kind()) {
                case SCHEDULED, DONE -> Reply.text(ctx, 202, "Restart scheduled");
                case CONFLICT -> Reply.text(ctx, 409, "Another restart is already scheduled");
                default -> Reply.text(ctx, IntentCodes.code(r), IntentCodes.message(r, "restart failed"));
            }
            return;
        }
        String fallback = r.kind() == IntentResult.Kind.DONE ? "restarted successfully" : "restart failed";
        Reply.text(ctx, IntentCodes.code(r), IntentCodes.message(r, fallback));
    }

    /** How long the REST thread waits for the loop: the start timeout plus two cycles. */
    private static Duration restartWait(StatusSnapshot s, RestartRequest request) {
        Duration start = request.timeout() != null ? request.timeout()
                : Duration.ofSeconds(Math.max(s.config().primaryStartTimeout(), 1));
        return start.plus(s.config().loopWaitDuration().multipliedBy(2)).plus(s.config().retryTimeoutDuration());
    }

    void deleteRestart(RestExchange ctx) {
        IntentResult r = node.cancelScheduledRestart();
        if (r.kind() == IntentResult.Kind.DONE) {
            Reply.text(ctx, 200, "scheduled restart deleted");
        } else {
            Reply.text(ctx, 404, "no restarts are scheduled");
        }
    }

    /** POST /reinitialize: 200 {@code reinitialize started}, else 503 with the loop's reason. */
    void reinitialize(RestExchange ctx) throws InterruptedException {
        Map<String, Object> body = JsonBody.read(ctx, true);
        boolean force = RestartRequests.truthy(body.get("force"));
        boolean fromLeader = RestartRequests.truthy(body.get("from_leader"));
        StatusSnapshot s = reads.snapshot();
        Duration wait = s.config().loopWaitDuration().multipliedBy(2).plus(s.config().retryTimeoutDuration());
        IntentResult r = node.reinitialize(force, fromLeader, wait);
        if (r.kind() == IntentResult.Kind.DONE || r.kind() == IntentResult.Kind.SCHEDULED) {
            Reply.text(ctx, 200, "reinitialize started");
        } else {
            Reply.text(ctx, 503, IntentCodes.message(r, "reinitialize failed"));
        }
    }

    /**
     * POST /failsafe from the primary in failsafe mode: 502 when failsafe_mode is off, 500 when
     * this node is itself a running primary, else 200 {@code Accepted}.
     */
    void failsafe(RestExchange ctx) {
        StatusSnapshot s = reads.snapshot();
        if (!s.config().failsafeMode()) {
            throw new HttpError(502, "Bad Gateway: failsafe mode is off");
        }
        Map<String, Object> body = JsonBody.read(ctx, false);
        LOG.debug("failsafe heartbeat from {}", body.get("name"));
        if (s.role() == Role.PRIMARY && "running".equals(StatusFacts.state(s))) {
            Reply.text(ctx, 500, "Running as a leader");
            return;
        }
        Object name = body.get("name");
        if (!(name instanceof String leader) || leader.isBlank()) {
            throw new HttpError(400, "failsafe: field 'name' (the primary's member name) is required");
        }
        IntentResult r = node.acceptFailsafe(leader, text(body.get("conn_url")), text(body.get("api_url")),
                slotPositions(body.get("slots")));
        if (r.kind() == IntentResult.Kind.DONE) {
            Reply.text(ctx, 200, "Accepted");
        } else {
            Reply.text(ctx, 500, r.message() == null ? "Running as a leader" : r.message());
        }
    }

    /** {@code slots} of a failsafe heartbeat: name to LSN; entries that are not whole numbers are left out. */
    static Map<String, Long> slotPositions(Object slots) {
        Map<String, Long> out = new java.util.TreeMap<>();
        if (slots instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof Number n && n.longValue() == n.doubleValue()) {
                    out.put(String.valueOf(k), n.longValue());
                }
            });
        }
        return out;
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
