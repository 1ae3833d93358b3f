package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.AsyncKind;
import io.patronijvm.testkit.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The one async slot (T4, style guideline 10) on its real thread. */
class ThreadAsyncSlotTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final ThreadAsyncSlot slot = new ThreadAsyncSlot(new FakeClock(), executor);

    @AfterEach
    void close() {
        slot.close();
    }

    /**
     * Defect 2 of issue 12: a job cancelled before its thread picked it up never ran, so nothing
     * reset the slot and it looked busy forever; every later long action was refused.
     */
    @Test
    void aJobCancelledBeforeItStartsFreesTheSlot() throws Exception {
        CountDownLatch blocker = new CountDownLatch(1);
        executor.submit(() -> {
            blocker.await(); // holds the slot's thread so the next job stays queued
            return null;
        });
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        assertThat(slot.submit(AsyncKind.START, ran::incrementAndGet, done::incrementAndGet)).isTrue();
        slot.cancel("test: cancelled while queued");
        blocker.countDown();

        await("the slot is idle again").atMost(WAIT).until(() -> slot.current() == null);
        assertThat(ran).as("the cancelled job never ran").hasValue(0);
        assertThat(slot.takeOutcome()).as("its outcome says so")
                .satisfies(o -> assertThat(o.ok()).isFalse())
                .satisfies(o -> assertThat(o.message()).contains("cancelled"));
        assertThat(done).as("the loop is woken as after any job").hasValue(1);

        CountDownLatch second = new CountDownLatch(1);
        assertThat(slot.submit(AsyncKind.RESTART, second::countDown, () -> { })).as("a later action is accepted")
                .isTrue();
        assertThat(second.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRunningJobIsInterruptedByCancel() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        assertThat(slot.submit(AsyncKind.REWIND, () -> {
            started.countDown();
            new CountDownLatch(1).await(); // until interrupted
        }, () -> { })).isTrue();
        assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(slot.submit(AsyncKind.START, () -> { }, () -> { })).as("busy").isFalse();
        slot.cancel("test");
        await().atMost(WAIT).until(() -> slot.current() == null);
        assertThat(slot.takeOutcome().message()).isEqualTo("pg_rewind cancelled");
    }
}
