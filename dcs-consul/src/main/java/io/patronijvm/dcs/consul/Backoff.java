package io.patronijvm.dcs.consul;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for retried Consul calls (Patroni's {@code Retry}: max delay
 * 1 s, inside the {@code retry_timeout} deadline). A value: {@link #next()} returns the following
 * step, nothing sleeps here.
 *
 * @param base     delay before the jitter
 * @param maxDelay cap
 */
record Backoff(Duration base, Duration maxDelay) {

    static Backoff initial() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    Backoff next() {
        Duration doubled = base.multipliedBy(2);
        return new Backoff(doubled.compareTo(maxDelay) > 0 ? maxDelay : doubled, maxDelay);
    }

    /** The delay to wait now: base scaled by a random factor in [0.5, 1.0], so contenders spread. */
    Duration delay(DoubleSupplier random) {
        double factor = 0.5 + 0.5 * random.getAsDouble();
        return Duration.ofNanos((long) (base.toNanos() * factor));
    }
}
