package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.AttemptResult;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.ha.LogicalSlotRules;
import io.patronijvm.core.model.ClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * R41: the primary asks every other member of the last known {@code /failsafe} map to accept it
 * as leader. When all answer 200, each has promised not to race for ttl (R42), so the check is a
 * renewal source for the provable lease (decision 3), counted from the moment the check STARTED.
 */
final class FailsafeCheck {

    private static final Logger log = LoggerFactory.getLogger(FailsafeCheck.class);
    /** R41: each POST is bounded by 2 s (the client retries once). */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HaContext ctx;
    private final LoopState state;
    private final LeaseRenewal renewal;
    /**
     * The slot positions of the last cycle's check: the lease timer's rescue has no observation of
     * its own (it runs between cycles), so it hands on the freshest the loop had.
     */
    private volatile Map<String, Long> currentSlots;

    FailsafeCheck(HaContext ctx, LoopState state, LeaseRenewal renewal) {
        this.ctx = ctx;
        this.state = state;
        this.renewal = renewal;
    }

    AttemptResult check(HaInput in) throws InterruptedException {
        long start = ctx.clock().nanoTime(); // the promise of each member runs from before we asked
        // Patroni sends the slots as they are now: replicas advance theirs to these positions (R57).
        Map<String, Long> now = LogicalSlotRules.published(in.config(), in.selfTags(), in.pg());
        currentSlots = now;
        if (!confirmed(TIMEOUT, now)) {
            state.failsafeActive(false);
            return AttemptResult.FAILSAFE_FAILED;
        }
        renewal.renewedFrom(start);
        state.failsafeActive(true);
        return AttemptResult.FAILSAFE_OK;
    }

    /**
     * The same check from the lease timer ({@link FailsafeRescue}), each POST bounded by
     * {@code timeout}: true when every member confirmed and the lease still held to be extended.
     */
    boolean rescue(Duration timeout) throws InterruptedException {
        long start = ctx.clock().nanoTime();
        if (!confirmed(timeout, currentSlots)) {
            return false;
        }
        if (!renewal.renewedFromIfHeld(start)) {
            return false;
        }
        state.failsafeActive(true);
        return true;
    }

    /** {@code slots}: the primary's logical slot positions, null = those of the last status key. */
    private boolean confirmed(Duration timeout, Map<String, Long> slots) throws InterruptedException {
        ClusterView last = state.lastView();
        Map<String, String> map = last == null ? null : last.failsafe();
        if (map == null || !map.containsKey(ctx.name())) {
            log.warn("failsafe: the last known /failsafe map does not name us: {}", map);
            return false;
        }
        Map<String, String> others = new LinkedHashMap<>(map);
        others.remove(ctx.name());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", ctx.name());
        body.put("conn_url", ctx.connUrl());
        body.put("api_url", ctx.apiUrl());
        body.put("slots", slots != null ? slots : last.status().slots());
        if (!ctx.peers().confirmFailsafe(others, body, timeout)) {
            log.warn("failsafe: not every member of {} confirmed", others.keySet());
            return false;
        }
        return true;
    }
}
