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

    /**
     * Called on the timer thread {@code headroom} before the end of a lease that no renewal
     * extended since; it may renew the lease (failsafe, R41) and must return before the end.
     */
    public interface Nearing {
        void nearing(long validUntilNanos);
    }

    private final MonotonicClock clock;
    private final TimerService timers;
    private final Fence fence;
    private long validUntil = Long.MIN_VALUE;
    private long generation;
    private TimerService.Handle pending;
    private Nearing nearing;
    private java.util.function.LongUnaryOperator headroomRule = lease -> 0;
    private long headroomNanos;
    private TimerService.Handle pendingNear;

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
        headroomNanos = headroomRule.applyAsLong(lease.toNanos());
        arm();
    }

    /**
     * Installs the hook called before a lease ends unrenewed, {@code headroom} (of the lease's
     * length, in nanoseconds) before its end; from the next renewal on.
     */
    public synchronized void onNearing(java.util.function.LongUnaryOperator headroom, Nearing hook) {
        headroomRule = headroom;
        nearing = hook;
    }

    /**
     * A renewal that must not revive a lease that has already lapsed or been cleared (the fence
     * may have run meanwhile): false, and nothing changes, when the lease does not hold now.
     */
    public synchronized boolean renewedIfHeld(long startNanos, Duration lease) {
        if (!holds(clock.nanoTime())) {
            return false;
        }
        renewed(startNanos, lease);
        return true;
    }

    /** We released the lock or learned it is not ours: no lease, no timer. */
    public synchronized void clear() {
        validUntil = Long.MIN_VALUE;
        generation++;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
        cancelNear();
    }

    private void cancelNear() {
        if (pendingNear != null) {
            pendingNear.cancel();
            pendingNear = null;
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
        cancelNear();
        long near = validUntil - headroomNanos - clock.nanoTime();
        if (nearing != null && near > 0) {
            pendingNear = timers.schedule(Duration.ofNanos(near), () -> near(gen));
        }
    }

    private void near(long gen) {
        Nearing hook;
        long until;
        synchronized (this) {
            if (gen != generation || validUntil == Long.MIN_VALUE) {
                return;
            }
            pendingNear = null;
            hook = nearing;
            until = validUntil;
        }
        hook.nearing(until);
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
