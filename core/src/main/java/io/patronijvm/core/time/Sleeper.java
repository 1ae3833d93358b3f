package io.patronijvm.core.time;

import java.time.Duration;

/** All waiting goes through here, so tests can drive time. */
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    Sleeper SYSTEM = duration -> {
        long nanos = duration.toNanos();
        if (nanos > 0) {
            Thread.sleep(duration);
        }
    };
}
