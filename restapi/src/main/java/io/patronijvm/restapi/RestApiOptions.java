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
 * @param maxThreads           upper bound of the REST thread pool (acceptor and selector included)
 * @param queueCapacity        requests waiting for a thread before new ones are refused
 * @param idleTimeout          a connection idle (or a body trickling in) longer than this is closed
 */
public record RestApiOptions(MonotonicClock clock, Sleeper sleeper, Duration switchoverPoll,
                             Duration switchoverWait, Duration peerProbeTimeout, int maxThreads,
                             int queueCapacity, Duration idleTimeout) {

    public RestApiOptions {
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(switchoverPoll, "switchoverPoll");
        Objects.requireNonNull(peerProbeTimeout, "peerProbeTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxThreads < 6) {
            throw new IllegalArgumentException("restapi maxThreads must be at least 6, got " + maxThreads);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("restapi queueCapacity must be positive, got " + queueCapacity);
        }
    }

    public static RestApiOptions defaults() {
        return new RestApiOptions(null, Sleeper.SYSTEM, Duration.ofSeconds(1), null, Duration.ofSeconds(2), 16,
                256, Duration.ofSeconds(10));
    }

    public RestApiOptions withClock(MonotonicClock c, Sleeper s) {
        return new RestApiOptions(c, s, switchoverPoll, switchoverWait, peerProbeTimeout, maxThreads,
                queueCapacity, idleTimeout);
    }

    public RestApiOptions withSwitchoverTiming(Duration poll, Duration wait) {
        return new RestApiOptions(clock, sleeper, poll, wait, peerProbeTimeout, maxThreads, queueCapacity,
                idleTimeout);
    }
}
