package io.patronijvm.agent.sim;

import io.patronijvm.agent.ha.TimerService;
import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link TimerService} on simulated time: tasks run when the simulator calls {@link #runDue}. */
final class SimTimers implements TimerService {

    private static final class Entry implements Handle {
        final long due;
        final Runnable task;
        boolean cancelled;

        Entry(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final MonotonicClock clock;
    private final List<Entry> entries = new ArrayList<>();

    SimTimers(MonotonicClock clock) {
        this.clock = clock;
    }

    @Override
    public Handle schedule(Duration delay, Runnable task) {
        Entry e = new Entry(clock.nanoTime() + delay.toNanos(), task);
        entries.add(e);
        return e;
    }

    /** Runs every task due by the node's clock now. */
    void runDue() {
        if (entries.isEmpty()) {
            return;
        }
        long now = clock.nanoTime();
        boolean any = false;
        for (Entry e : entries) {
            if (e.cancelled || now - e.due >= 0) {
                any = true;
                break;
            }
        }
        if (!any) {
            return; // the common tick: nothing to run, nothing allocated
        }
        List<Entry> due = new ArrayList<>();
        entries.removeIf(e -> {
            if (e.cancelled) {
                return true;
            }
            if (now - e.due >= 0) {
                due.add(e);
                return true;
            }
            return false;
        });
        for (Entry e : due) {
            if (!e.cancelled) {
                e.task.run();
            }
        }
    }

    @Override
    public void close() {
        entries.clear();
    }
}
