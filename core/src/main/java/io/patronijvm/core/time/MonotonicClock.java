package io.patronijvm.core.time;

import java.time.Instant;

/**
 * The only source of time. All lease, TTL and deadline arithmetic uses {@link #nanoTime()};
 * {@link #wallNow()} is for display and DCS payloads only.
 */
public interface MonotonicClock {

    /** Monotonic nanoseconds, comparable only with other readings of the same clock. */
    long nanoTime();

    /** Wall-clock time for humans and timestamps written to the DCS. */
    Instant wallNow();

    MonotonicClock SYSTEM = new MonotonicClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant wallNow() {
            return Instant.now();
        }
    };
}
