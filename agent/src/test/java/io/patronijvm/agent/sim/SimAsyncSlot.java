package io.patronijvm.agent.sim;

import io.patronijvm.agent.ha.AsyncSlot;
import io.patronijvm.core.ha.AsyncKind;
import io.patronijvm.core.ha.AsyncTask;
import io.patronijvm.core.time.MonotonicClock;

import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The async slot on simulated time: a job is held for a random duration (pg_ctl, pg_basebackup
 * and friends take a while) and then runs atomically; cancelling before then drops it, as an
 * interrupt kills the real process tree.
 */
final class SimAsyncSlot implements AsyncSlot {

    private final MonotonicClock clock;
    private final SplittableRandom random;
    private final Consumer<String> trace;
    /** Told of each job the slot takes, with how long it is held (ns): the world may pause the node meanwhile. */
    private final BiConsumer<AsyncKind, Long> started;
    private AsyncTask current;
    private Job job;
    private Runnable done;
    private long dueAt;
    private Outcome outcome;

    SimAsyncSlot(MonotonicClock clock, SplittableRandom random, Consumer<String> trace,
                 BiConsumer<AsyncKind, Long> started) {
        this.clock = clock;
        this.random = random;
        this.trace = trace;
        this.started = started;
    }

    @Override
    public boolean submit(AsyncKind kind, Job j, Runnable d) {
        if (current != null) {
            return false;
        }
        current = new AsyncTask(kind);
        job = j;
        done = d;
        long ms = switch (kind) {
            case BOOTSTRAP, CLONE, REINITIALIZE -> 2_000 + random.nextInt(6_000);
            // One promotion in five waits for a slow pre_promote script or /sync write (up to 12 s):
            // the lease may run out meanwhile, and the executor must check it before pg_ctl promote.
            case PROMOTE -> random.nextInt(5) == 0 ? 2_000 + random.nextInt(10_000) : 300 + random.nextInt(1_500);
            default -> 300 + random.nextInt(2_500);
        };
        dueAt = clock.nanoTime() + ms * 1_000_000L;
        trace.accept("async " + kind.text() + " started (" + ms + " ms)");
        started.accept(kind, ms * 1_000_000L);
        return true;
    }

    /** Runs the job if its time has come; true when it finished now. */
    boolean runDue() {
        if (current == null || clock.nanoTime() - dueAt < 0) {
            return false;
        }
        AsyncTask t = current;
        Job j = job;
        Runnable d = done;
        Outcome o;
        try {
            j.run();
            o = new Outcome(t.kind(), true, t.kind().text() + " finished");
        } catch (Exception e) {
            o = new Outcome(t.kind(), false, t.kind().text() + " failed: " + e.getMessage());
        }
        trace.accept("async " + o.message());
        current = null;
        job = null;
        outcome = o;
        d.run();
        return true;
    }

    @Override
    public AsyncTask current() {
        return current;
    }

    @Override
    public void cancel(String why) {
        if (current != null) {
            trace.accept("async " + current.kind().text() + " cancelled: " + why);
            outcome = new Outcome(current.kind(), false, "cancelled");
            current = null;
            job = null;
        }
    }

    @Override
    public Outcome takeOutcome() {
        Outcome o = outcome;
        outcome = null;
        return o;
    }

    @Override
    public void close() {
        current = null;
        job = null;
    }
}
