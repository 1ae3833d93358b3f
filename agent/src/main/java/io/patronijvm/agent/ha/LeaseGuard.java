package io.patronijvm.agent.ha;

import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;

/**
 * The leader's own proof of its lease (spec decision 3, style guideline 7): the monotonic START
 * time of the last successful leader-key update plus the provable lease. When that moment passes
 * without a newer renewal, a timer calls the fence at once, without waiting for the next cycle.
 *
 * <p>Thread-safe: renewals come from the HA thread, expiry from the timer thread.
 */
public final class LeaseGuard {

    /** Demotes PostgreSQL immediately; called on the timer thread. */
    public interface Fence {
        void leaseLapsed(long validUntilNanos);
    }

    private final MonotonicClock clock;
    private final TimerService timers;
    private final Fence fence;
    private long validUntil = Long.MIN_VALUE;
    private long generation;
    private TimerService.Handle pending;

    public LeaseGuard(MonotonicClock clock, TimerService timers, Fence fence) {
        this.clock = clock;
        this.timers = timers;
        this.fence = fence;
    }

    /**
     * Records a successful renewal that started at {@code startNanos} (read before the request
     * was sent, so the lease never counts time the request spent in flight) and is provable for
     * {@code lease}.
     */
    public synchronized void renewed(long startNanos, Duration lease) {
        long until = startNanos + lease.toNanos();
        if (validUntil != Long.MIN_VALUE && until - validUntil <= 0) {
            return; // an older renewal finishing late never shortens or extends anything
        }
        validUntil = until;
        arm();
    }

    /** We released the lock or learned it is not ours: no lease, no timer. */
    public synchronized void clear() {
        validUntil = Long.MIN_VALUE;
        generation++;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    /** End of the provable lease, or {@link Long#MIN_VALUE} when we hold none. */
    public synchronized long validUntilNanos() {
        return validUntil;
    }

    public synchronized boolean holds(long nowNanos) {
        return validUntil != Long.MIN_VALUE && nowNanos - validUntil < 0;
    }

    private void arm() {
        generation++;
        long gen = generation;
        if (pending != null) {
            pending.cancel();
        }
        Duration delay = Duration.ofNanos(Math.max(0, validUntil - clock.nanoTime()));
        pending = timers.schedule(delay, () -> expire(gen));
    }

    private void expire(long gen) {
        long lapsed;
        synchronized (this) {
            if (gen != generation || validUntil == Long.MIN_VALUE) {
                return; // renewed or cleared since this timer was armed
            }
            if (clock.nanoTime() - validUntil < 0) {
                arm(); // fired early (scheduler and clock disagree): wait for the rest
                return;
            }
            lapsed = validUntil;
            validUntil = Long.MIN_VALUE;
            pending = null;
        }
        fence.leaseLapsed(lapsed);
    }
}
