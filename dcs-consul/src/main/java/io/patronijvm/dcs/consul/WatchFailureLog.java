package io.patronijvm.dcs.consul;

import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;

import java.time.Duration;

/**
 * Logs the leader watch's failures without flooding: a failed watch retries about every second
 * until the rest of the cycle is used up, so while Consul is unreachable it fails again and again. The first failure of an outage
 * is a WARN, then at most one WARN per {@link #EVERY} with the number of repeats left out, and one
 * INFO when the watch answers again. The loop's own "DCS not accessible" line still says, once per
 * cycle, that the DCS is gone. One instance lives as long as its {@link ConsulDcs}.
 */
final class WatchFailureLog {

    static final Duration EVERY = Duration.ofSeconds(30);

    private final Logger log;
    private final MonotonicClock clock;
    private boolean failing;
    private long firstAt;
    private long lastLoggedAt;
    private long suppressed;
    private long failures;

    WatchFailureLog(Logger log, MonotonicClock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** One failed watch request; {@code message} is the whole line (e.g. "leader watch failed: ..."). */
    synchronized void failed(String message) {
        long now = clock.nanoTime();
        failures++;
        if (!failing) {
            failing = true;
            firstAt = now;
            lastLoggedAt = now;
            suppressed = 0;
            log.warn("{}", message);
            return;
        }
        if (now - lastLoggedAt >= EVERY.toNanos()) {
            log.warn("{} (still failing; {} similar failures not logged in the last {} s)", message, suppressed,
                    (now - lastLoggedAt) / 1_000_000_000L);
            lastLoggedAt = now;
            suppressed = 0;
        } else {
            suppressed++;
        }
    }

    /** The watch got an answer: ends an outage, if there was one. */
    synchronized void succeeded() {
        if (!failing) {
            return;
        }
        log.info("leader watch works again after {} s ({} failed requests)",
                (clock.nanoTime() - firstAt) / 1_000_000_000L, failures);
        failing = false;
        failures = 0;
        suppressed = 0;
    }
}
