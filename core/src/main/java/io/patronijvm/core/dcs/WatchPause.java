package io.patronijvm.core.dcs;

import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pause a leader watch takes instead of a blocking query (no index yet, or after a failed
 * request), shared by the Consul and etcd watches: it sleeps in slices of at most 1 s so that a
 * cancel, which the watch's own {@code cancel} wrapper records in {@code cancelled}, ends it early.
 */
public final class WatchPause {

    private WatchPause() {
    }

    /** Sleeps {@code length}, but never past {@code end}, ending early after a cancel. */
    public static void sleep(MonotonicClock clock, Sleeper sleeper, Deadline end, Duration length,
                             AtomicBoolean cancelled, WatchCancel cancel) throws InterruptedException {
        Deadline stop = Deadline.after(clock, length);
        try (WatchCancel.Registration ignored = cancel.onCancel(() -> { })) {
            while (!cancelled.get() && !stop.expired() && !end.expired()) {
                sleeper.sleep(stop.remainingCappedAt(Duration.ofSeconds(1)));
            }
        }
    }
}
