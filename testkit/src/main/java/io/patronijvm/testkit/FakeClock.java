package io.patronijvm.testkit;

import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told. Also a {@link Sleeper} that advances the clock instead of
 * waiting, so code under test that sleeps simply moves simulated time forward.
 */
public final class FakeClock implements MonotonicClock, Sleeper {

    private final AtomicLong nanos;
    private final Instant wallAtZero;

    public FakeClock() {
        this(1_000_000_000L, Instant.parse("2026-01-01T00:00:00Z"));
    }

    public FakeClock(long startNanos, Instant wallAtStart) {
        this.nanos = new AtomicLong(startNanos);
        this.wallAtZero = wallAtStart.minusNanos(startNanos);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public Instant wallNow() {
        return wallAtZero.plusNanos(nanos.get());
    }

    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("monotonic time cannot go back: " + d);
        }
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public void sleep(Duration duration) {
        if (!duration.isNegative()) {
            advance(duration);
        }
    }
}
