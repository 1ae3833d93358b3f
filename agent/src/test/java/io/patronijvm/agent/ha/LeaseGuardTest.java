package io.patronijvm.agent.ha;

import io.patronijvm.testkit.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decision 3 / style guideline 7: the lease window counts from the START of a renewal, and its end fires the fence. */
class LeaseGuardTest {

    /** A timer service on the fake clock: tasks run when {@link #runDue} is called and their time has come. */
    private static final class FakeTimers implements TimerService {
        private record Task(long due, Runnable run, boolean[] cancelled) {
        }

        private final FakeClock clock;
        private final List<Task> tasks = new ArrayList<>();

        FakeTimers(FakeClock clock) {
            this.clock = clock;
        }

        @Override
        public Handle schedule(Duration delay, Runnable task) {
            boolean[] cancelled = {false};
            tasks.add(new Task(clock.nanoTime() + delay.toNanos(), task, cancelled));
            return () -> cancelled[0] = true;
        }

        void runDue() {
            List<Task> due = tasks.stream().filter(t -> !t.cancelled()[0] && clock.nanoTime() - t.due() >= 0).toList();
            tasks.removeAll(due);
            due.forEach(t -> t.run().run());
        }

        long live() {
            return tasks.stream().filter(t -> !t.cancelled()[0]).count();
        }

        @Override
        public void close() {
            tasks.clear();
        }
    }

    private final FakeClock clock = new FakeClock();
    private final FakeTimers timers = new FakeTimers(clock);
    private final List<Long> fenced = new ArrayList<>();
    private final LeaseGuard lease = new LeaseGuard(clock, timers, fenced::add);

    @Test
    void holdsFromTheStartOfTheRenewalNotItsEnd() {
        long start = clock.nanoTime();
        clock.advance(Duration.ofSeconds(2)); // the renewal request took 2 s
        lease.renewed(start, Duration.ofMillis(13_500));

        assertThat(lease.validUntilNanos()).isEqualTo(start + Duration.ofMillis(13_500).toNanos());
        assertThat(lease.holds(start + Duration.ofMillis(13_499).toNanos())).isTrue();
        assertThat(lease.holds(start + Duration.ofMillis(13_500).toNanos())).isFalse();
    }

    @Test
    void holdsNothingBeforeTheFirstRenewalAndAfterClear() {
        assertThat(lease.holds(clock.nanoTime())).isFalse();
        assertThat(lease.validUntilNanos()).isEqualTo(Long.MIN_VALUE);
        lease.renewed(clock.nanoTime(), Duration.ofSeconds(10));
        lease.clear();
        assertThat(lease.holds(clock.nanoTime())).isFalse();
        assertThat(timers.live()).isZero();
    }

    @Test
    void demotesAtOnceWhenTheLeaseRunsOutWithoutRenewal() {
        long start = clock.nanoTime();
        lease.renewed(start, Duration.ofSeconds(5));

        clock.advance(Duration.ofMillis(4_999));
        timers.runDue();
        assertThat(fenced).isEmpty();

        clock.advance(Duration.ofMillis(1));
        timers.runDue();
        assertThat(fenced).containsExactly(start + Duration.ofSeconds(5).toNanos());
        assertThat(lease.holds(clock.nanoTime())).isFalse();
    }

    @Test
    void aRenewalPushesTheFenceBack() {
        lease.renewed(clock.nanoTime(), Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(3));
        long second = clock.nanoTime();
        lease.renewed(second, Duration.ofSeconds(5));

        clock.advance(Duration.ofSeconds(3)); // past the first window, inside the second
        timers.runDue();
        assertThat(fenced).isEmpty();
        assertThat(timers.live()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        timers.runDue();
        assertThat(fenced).containsExactly(second + Duration.ofSeconds(5).toNanos());
    }

    @Test
    void anOlderRenewalFinishingLateNeitherShortensNorExtends() {
        long older = clock.nanoTime();
        clock.advance(Duration.ofSeconds(1));
        long newer = clock.nanoTime();
        lease.renewed(newer, Duration.ofSeconds(5));
        lease.renewed(older, Duration.ofSeconds(5));

        assertThat(lease.validUntilNanos()).isEqualTo(newer + Duration.ofSeconds(5).toNanos());
    }

    @Test
    void clearedLeaseNeverFires() {
        lease.renewed(clock.nanoTime(), Duration.ofSeconds(5));
        lease.clear();
        clock.advance(Duration.ofSeconds(10));
        timers.runDue();
        assertThat(fenced).isEmpty();
    }

    @Test
    void aTimerFiringEarlyWaitsForTheRest() {
        // The scheduler's clock and ours may disagree: a task run before the end re-arms itself.
        TimerService eager = new TimerService() {
            @Override
            public Handle schedule(Duration delay, Runnable task) {
                return timers.schedule(delay.dividedBy(2), task);
            }

            @Override
            public void close() {
            }
        };
        LeaseGuard g = new LeaseGuard(clock, eager, fenced::add);
        long start = clock.nanoTime();
        g.renewed(start, Duration.ofSeconds(4));

        clock.advance(Duration.ofSeconds(2));
        timers.runDue();
        assertThat(fenced).isEmpty();
        assertThat(g.holds(clock.nanoTime())).isTrue();

        clock.advance(Duration.ofSeconds(2));
        timers.runDue();
        assertThat(fenced).containsExactly(start + Duration.ofSeconds(4).toNanos());
    }
    @Test
    void theNearingHookRunsHeadroomBeforeAnUnrenewedEndAndMayRenew() {
        List<Long> near = new ArrayList<>();
        lease.onNearing(leaseNanos -> leaseNanos / 2, until -> {
            near.add(until);
            lease.renewedIfHeld(clock.nanoTime(), Duration.ofSeconds(4));
        });
        long start = clock.nanoTime();
        lease.renewed(start, Duration.ofSeconds(4));

        clock.advance(Duration.ofMillis(1_999));
        timers.runDue();
        assertThat(near).isEmpty();
        clock.advance(Duration.ofMillis(1));
        timers.runDue();
        assertThat(near).containsExactly(start + Duration.ofSeconds(4).toNanos());
        assertThat(lease.validUntilNanos()).as("the hook renewed from its own start")
                .isEqualTo(start + Duration.ofSeconds(6).toNanos());

        clock.advance(Duration.ofSeconds(3)); // past the old end: no fence
        timers.runDue();
        assertThat(fenced).isEmpty();
    }

    @Test
    void aRenewalInTimeKeepsTheNearingHookQuiet() {
        List<Long> near = new ArrayList<>();
        lease.onNearing(leaseNanos -> leaseNanos / 2, near::add);
        lease.renewed(clock.nanoTime(), Duration.ofSeconds(4));
        clock.advance(Duration.ofMillis(1_500));
        lease.renewed(clock.nanoTime(), Duration.ofSeconds(4));
        clock.advance(Duration.ofMillis(1_000)); // past the first lease's nearing point
        timers.runDue();
        assertThat(near).isEmpty();
        lease.clear();
        clock.advance(Duration.ofSeconds(10));
        timers.runDue();
        assertThat(near).as("a cleared lease nears nothing").isEmpty();
    }

    @Test
    void aLateRescueDoesNotReviveALapsedLease() {
        long start = clock.nanoTime();
        lease.renewed(start, Duration.ofSeconds(4));
        clock.advance(Duration.ofSeconds(4));
        timers.runDue();
        assertThat(fenced).hasSize(1);
        assertThat(lease.renewedIfHeld(start + Duration.ofSeconds(3).toNanos(), Duration.ofSeconds(4))).isFalse();
        assertThat(lease.holds(clock.nanoTime())).isFalse();
    }
}
