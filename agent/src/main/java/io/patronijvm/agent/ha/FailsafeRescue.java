package io.patronijvm.agent.ha;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;

/**
 * R40/R41 against the lease timer (chaos finding, quorum loss at ttl 10): the provable lease is
 * 4 s and the cycle's DCS read alone may take retry_timeout (3 s) before the cycle reaches its
 * failsafe check, so the lease ran out and the fence stopped a primary that every member would
 * have confirmed. When a lease nears its end unrenewed, a failsafe primary asks the members from
 * the lease timer, with timeouts that end before the lease does; a confirmation extends the lease
 * as the cycle's check does (from before asking) and feeds the watchdog. Anything else leaves the
 * lease to lapse and the fence to act as before.
 */
final class FailsafeRescue implements LeaseGuard.Nearing {

    private static final Logger log = LoggerFactory.getLogger(FailsafeRescue.class);
    /** At most this long before the lease's end; never more than half the lease. */
    static final Duration MAX_HEADROOM = Duration.ofSeconds(3);
    /** Left unused at the end of the lease: the fence must still find it lapsed on time. */
    private static final long SLACK_NANOS = Duration.ofMillis(400).toNanos();
    private static final long MIN_TIMEOUT_NANOS = Duration.ofMillis(200).toNanos();

    private final HaContext ctx;
    private final LoopState state;
    private final FailsafeCheck check;
    private final WatchdogDuty watchdog;

    FailsafeRescue(HaContext ctx, LoopState state, FailsafeCheck check, WatchdogDuty watchdog) {
        this.ctx = ctx;
        this.state = state;
        this.check = check;
        this.watchdog = watchdog;
    }

    /** How long before the end of a lease of {@code leaseNanos} the rescue starts. */
    static Duration headroom(long leaseNanos) {
        return Duration.ofNanos(Math.min(leaseNanos / 2, MAX_HEADROOM.toNanos()));
    }

    @Override
    public void nearing(long validUntilNanos) {
        if (!applies()) {
            return;
        }
        // confirmFailsafe may take two tries of the timeout (plus 200 ms) before it answers.
        long timeout = (validUntilNanos - ctx.clock().nanoTime() - SLACK_NANOS - Duration.ofMillis(200).toNanos()) / 2;
        if (timeout < MIN_TIMEOUT_NANOS) {
            return;
        }
        MDC.put("member", ctx.name());
        try {
            log.warn("leader key not renewed and the lease ends in {} ms: checking the failsafe topology now (R41)",
                    (validUntilNanos - ctx.clock().nanoTime()) / 1_000_000);
            if (check.rescue(Duration.ofNanos(timeout))) {
                watchdog.keepalive();
                log.info("every member confirmed failsafe: the leader lease is extended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove("member");
        }
    }

    /** A running, unpaused failsafe primary with no long action, as the cycle's check requires (R40). */
    private boolean applies() {
        ClusterView last = state.lastView();
        return state.config().failsafeMode() && !state.config().pause() && (last == null || !last.isPaused())
                && state.memory().role() == Role.PRIMARY && ctx.slot().current() == null;
    }
}
