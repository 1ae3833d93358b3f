package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.WatchCancel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The wake-up as the watch's cancel: no wake-up is lost between the loop's check and the request. */
class WakeupTest {

    @Test
    void aSignalDuringTheWatchRunsItsHookOnce() {
        Wakeup w = new Wakeup();
        AtomicInteger runs = new AtomicInteger();
        try (WatchCancel.Registration ignored = w.onCancel(runs::incrementAndGet)) {
            assertThat(runs).hasValue(0);
            w.signal();
            w.signal();
        }
        assertThat(runs).hasValue(1);
        assertThat(w.take()).as("the signal still wakes the loop").isTrue();
    }

    @Test
    void aSignalBeforeTheWatchStartedCancelsItAtOnce() {
        Wakeup w = new Wakeup();
        w.signal();
        AtomicInteger runs = new AtomicInteger();
        w.onCancel(runs::incrementAndGet).close();
        assertThat(runs).hasValue(1);
    }

    @Test
    void aSignalAfterTheWatchEndedRunsNoStaleHook() {
        Wakeup w = new Wakeup();
        AtomicInteger runs = new AtomicInteger();
        w.onCancel(runs::incrementAndGet).close();
        w.signal();
        assertThat(runs).hasValue(0);
        assertThat(w.take()).isTrue();
        AtomicInteger next = new AtomicInteger();
        w.onCancel(next::incrementAndGet).close();
        assertThat(next).as("the taken signal does not cancel the next watch").hasValue(0);
    }
}
