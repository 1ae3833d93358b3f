package io.patronijvm.dcs.consul;

import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.dcs.WatchPause;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blocking query on the leader key (spec 2.4 "Watch"): {@code GET leader?index=<idx>&wait=<N>ms}
 * with an HTTP timeout of {@code wait + max(wait/15, 1 s)}. Returns true as soon as Consul's
 * index differs from the known one. Errors are retried with a short pause until {@code wait} is
 * used up or the caller's {@link WatchCancel} fires; then it answers false (quiet), as Patroni falls back to sleeping. Failures are logged
 * through {@link WatchFailureLog}, which keeps one outage from logging a line per watch slice.
 */
final class LeaderWatch {

    /** Below this a blocking query is not worth its round trip: the rest of the wait is slept. */
    static final Duration MIN_BLOCK = Duration.ofMillis(50);

    private final ConsulTransport http;
    private final ConsulUrl leaderUrl;
    private final Sleeper sleeper;
    private final MonotonicClock clock;
    private final WatchFailureLog failures;

    LeaderWatch(ConsulTransport http, ConsulUrl leaderUrl, Sleeper sleeper, MonotonicClock clock,
                WatchFailureLog failures) {
        this.http = http;
        this.leaderUrl = leaderUrl;
        this.sleeper = sleeper;
        this.clock = clock;
        this.failures = failures;
    }

    boolean await(long knownIndex, Duration wait, boolean skip, WatchCancel cancel) throws InterruptedException {
        if (skip) {
            return true;
        }
        Deadline end = Deadline.after(clock, wait);
        AtomicBoolean cancelled = new AtomicBoolean();
        // The loop's wake-up aborts the query in flight (and any later one of this wait) at once.
        WatchCancel mine = hook -> cancel.onCancel(() -> {
            cancelled.set(true);
            hook.run();
        });
        if (knownIndex <= 0) {
            WatchPause.sleep(clock, sleeper, end, end.remaining(), cancelled, mine);
            return false;
        }
        // Consul parses `wait` as a Go duration, so milliseconds work: the HA loop watches for the rest
        // of its cycle, and a whole-seconds wait would round a short rest down to nothing and leave the
        // replica sleeping through the key's disappearance.
        while (!cancelled.get() && end.remaining().toMillis() >= MIN_BLOCK.toMillis()) {
            long waitMillis = end.remaining().toMillis();
            Duration blockFor = Duration.ofMillis(waitMillis);
            Duration httpTimeout = blockFor.plus(max(blockFor.dividedBy(15), Duration.ofSeconds(1)));
            ConsulUrl u = leaderUrl.param("index", Long.toString(knownIndex)).param("wait", waitMillis + "ms");
            try {
                ConsulResponse r = http.blocking(u, httpTimeout, mine);
                if (r.index() >= 0 && (r.code() == 200 || r.code() == 404)) {
                    failures.succeeded();
                    return r.index() != knownIndex;
                }
                failures.failed("leader watch answered HTTP " + r.code() + ": " + r.body().strip());
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("leader watch interrupted");
                }
                if (!cancelled.get()) {
                    failures.failed("leader watch timed out: " + e.getMessage());
                }
            } catch (IOException | ConsulUnavailableException e) {
                if (!cancelled.get()) {
                    failures.failed("leader watch failed: " + e.getMessage());
                }
            }
            WatchPause.sleep(clock, sleeper, end, end.remainingCappedAt(Duration.ofSeconds(1)), cancelled, mine);
        }
        if (!cancelled.get()) {
            sleeper.sleep(end.remaining());
        }
        return false;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
