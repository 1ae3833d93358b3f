package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.AsyncKind;
import io.patronijvm.core.ha.AsyncTask;
import io.patronijvm.core.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@link AsyncSlot} on one named thread. */
public final class ThreadAsyncSlot implements AsyncSlot {

    private static final Logger log = LoggerFactory.getLogger(ThreadAsyncSlot.class);

    private final MonotonicClock clock;
    private final ExecutorService executor;
    private AsyncTask current;
    private Future<?> future;
    private Outcome outcome;
    /** The current job's thread has begun running it (before that, cancel frees the slot itself). */
    private boolean started;
    private Runnable pendingDone;

    public ThreadAsyncSlot(MonotonicClock clock, String threadName) {
        this(clock, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }));
    }

    /** On {@code executor}, which must run one job at a time; tests pass one they can hold up. */
    ThreadAsyncSlot(MonotonicClock clock, ExecutorService executor) {
        this.clock = clock;
        this.executor = executor;
    }

    @Override
    public synchronized boolean submit(AsyncKind kind, Job job, Runnable done) {
        if (current != null) {
            return false;
        }
        AsyncTask task = new AsyncTask(kind, clock.nanoTime());
        current = task;
        pendingDone = done;
        // The job's log lines carry the member and the cycle that started it (style guideline 14).
        java.util.Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
        future = executor.submit(() -> {
            if (mdc != null) {
                org.slf4j.MDC.setContextMap(mdc);
            }
            try {
                runJob(task, job, done);
            } finally {
                org.slf4j.MDC.clear();
            }
        });
        return true;
    }

    private void runJob(AsyncTask task, Job job, Runnable done) {
        synchronized (this) {
            if (current != task) {
                return; // cancelled while queued: cancel() already freed the slot and reported it
            }
            started = true;
        }
        Outcome result;
        try {
            job.run();
            result = new Outcome(task.kind(), true, task.kind().text() + " finished");
        } catch (InterruptedException e) {
            result = new Outcome(task.kind(), false, task.kind().text() + " cancelled");
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("{} failed: {}", task.kind().text(), e.getMessage());
            result = new Outcome(task.kind(), false, task.kind().text() + " failed: " + e.getMessage());
        }
        finish(result);
        done.run();
    }

    private synchronized void finish(Outcome result) {
        outcome = result;
        current = null;
        future = null;
        pendingDone = null;
        started = false;
    }

    @Override
    public synchronized AsyncTask current() {
        return current;
    }

    /**
     * A job that has not started yet never will: the slot is freed here and {@code done} runs as
     * after any job (otherwise nothing would reset it and it would look busy forever). A running
     * job is interrupted and frees the slot when it returns.
     */
    @Override
    public void cancel(String why) {
        Runnable notStartedDone = null;
        synchronized (this) {
            if (current == null) {
                return;
            }
            log.warn("cancelling {}: {}", current.kind().text(), why);
            if (started) {
                future.cancel(true);
                return;
            }
            AsyncKind kind = current.kind();
            future.cancel(false);
            notStartedDone = pendingDone;
            finish(new Outcome(kind, false, kind.text() + " cancelled before it started"));
        }
        notStartedDone.run();
    }

    @Override
    public synchronized Outcome takeOutcome() {
        Outcome o = outcome;
        outcome = null;
        return o;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
