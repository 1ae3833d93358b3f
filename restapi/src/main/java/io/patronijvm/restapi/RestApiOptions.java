package io.patronijvm.restapi;

import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;

import java.time.Duration;
import java.util.Objects;

/**
 * Knobs the agent rarely changes and tests always do.
 *
 * @param clock                monotonic time for lease checks and deadlines; null = the NodeControl's clock
 * @param sleeper              waits between switchover polls
 * @param switchoverPoll       interval between DCS reads while an immediate switchover runs (Patroni: 1 s)
 * @param switchoverWait       how long to poll; null = Patroni's {@code 2 * max(10, loop_wait)} seconds
 * @param peerProbeTimeout     per-probe budget when checking switchover candidates
 * @param maxRequests          requests handled at once (each on a virtual thread); beyond, connections are refused
 */
public record RestApiOptions(MonotonicClock clock, Sleeper sleeper, Duration switchoverPoll,
                             Duration switchoverWait, Duration peerProbeTimeout, int maxRequests) {

    public RestApiOptions {
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(switchoverPoll, "switchoverPoll");
        Objects.requireNonNull(peerProbeTimeout, "peerProbeTimeout");
        if (maxRequests < 1) {
            throw new IllegalArgumentException("restapi maxRequests must be positive, got " + maxRequests);
        }
    }

    public static RestApiOptions defaults() {
        return new RestApiOptions(null, Sleeper.SYSTEM, Duration.ofSeconds(1), null, Duration.ofSeconds(2), 256);
    }

    public RestApiOptions withClock(MonotonicClock c, Sleeper s) {
        return new RestApiOptions(c, s, switchoverPoll, switchoverWait, peerProbeTimeout, maxRequests);
    }

    public RestApiOptions withSwitchoverTiming(Duration poll, Duration wait) {
        return new RestApiOptions(clock, sleeper, poll, wait, peerProbeTimeout, maxRequests);
    }
}
