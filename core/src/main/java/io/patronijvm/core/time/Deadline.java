package io.patronijvm.core.time;

import java.time.Duration;

/**
 * A point in monotonic time by which an operation must finish. Passed down so an operation can
 * refuse to start when it cannot finish, and so nested timeouts never exceed the outer one.
 */
public record Deadline(MonotonicClock clock, long atNanos) {

    public static Deadline after(MonotonicClock clock, Duration budget) {
        return new Deadline(clock, clock.nanoTime() + budget.toNanos());
    }

    public Duration remaining() {
        long left = atNanos - clock.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    public boolean expired() {
        return clock.nanoTime() - atNanos >= 0;
    }

    /** The smaller of {@code cap} and what is left. */
    public Duration remainingCappedAt(Duration cap) {
        Duration left = remaining();
        return left.compareTo(cap) < 0 ? left : cap;
    }
}
