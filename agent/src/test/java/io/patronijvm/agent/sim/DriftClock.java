package io.patronijvm.agent.sim;

import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.testkit.FakeClock;

import java.time.Duration;
import java.time.Instant;

/**
 * One simulated node's monotonic clock: the world clock at a slightly different rate
 * ({@code ppm} parts per million fast or slow), so lease arithmetic is tested against drift.
 * Sleeping does not move time (the world moves it); long actions are modelled by the slot.
 */
final class DriftClock implements MonotonicClock, Sleeper {

    private final FakeClock world;
    private final long origin;
    private final long ppm;

    DriftClock(FakeClock world, long ppm) {
        this.world = world;
        this.origin = world.nanoTime();
        this.ppm = ppm;
    }

    @Override
    public long nanoTime() {
        long w = world.nanoTime();
        long elapsed = w - origin;
        return w + elapsed / 1_000_000 * ppm;
    }

    @Override
    public Instant wallNow() {
        return world.wallNow();
    }

    @Override
    public void sleep(Duration d) {
        // Simulated time is advanced by the world's ticks, never by a node.
    }
}
