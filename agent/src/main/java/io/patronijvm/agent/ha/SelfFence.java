package io.patronijvm.agent.ha;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.StopMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Decision 3 (docs/lease.md): the provable lease ran out without a renewal. Runs on the lease
 * timer's thread, not the HA thread, because the HA thread may be the thing that is stuck: cancel
 * any long action (a promotion must not finish now) and stop PostgreSQL at once; the next cycle
 * sees LEASE_EXPIRED and brings it back as a replica.
 */
final class SelfFence implements LeaseGuard.Fence {

    private static final Logger log = LoggerFactory.getLogger(SelfFence.class);

    private final HaContext ctx;
    private final LoopState state;
    private final StatusPublisher publisher;
    private final EventRecorder events;
    private final Runnable wakeUp;

    SelfFence(HaContext ctx, LoopState state, StatusPublisher publisher, EventRecorder events, Runnable wakeUp) {
        this.ctx = ctx;
        this.state = state;
        this.publisher = publisher;
        this.events = events;
        this.wakeUp = wakeUp;
    }

    @Override
    public void leaseLapsed(long validUntilNanos) {
        MDC.put("member", ctx.name());
        try {
            state.markLeaseLapsed();
            ctx.slot().cancel("provable leader lease ran out");
            LocalPgState pg = ctx.pg().observe();
            events.leaseLapsed(ctx.clock().wallNow(), pg.timeline());
            if (pg.isPrimary()) {
                log.warn("provable leader lease ran out without a renewal: stopping PostgreSQL immediately");
                if (ctx.pg().stop(StopMode.IMMEDIATE, ctx.startTimeout())) {
                    // Nothing writable is left, which is all the watchdog guards (as Patroni's demote
                    // disarms it once PostgreSQL is down). Left armed and unfed, it reset the whole
                    // host a second later in every chaos partition, agent and all; now the node starts
                    // read-only (R40) and rejoins at the heal. The next promotion arms it again.
                    ctx.watchdog().disable();
                }
                state.setRole(Role.DEMOTED);
            }
            long observation = publisher.beginObservation();
            publisher.publish(ctx.pg().observe(), null, "demoted self because the leader lease could not be renewed",
                    observation);
            wakeUp.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove("member");
        }
    }
}
