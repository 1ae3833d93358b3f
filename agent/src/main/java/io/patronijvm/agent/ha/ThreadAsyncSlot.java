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

    public ThreadAsyncSlot(MonotonicClock clock, String threadName) {
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized boolean submit(AsyncKind kind, Job job, Runnable done) {
        if (current != null) {
            return false;
        }
        AsyncTask task = new AsyncTask(kind, clock.nanoTime());
        current = task;
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
        synchronized (this) {
            outcome = result;
            current = null;
            future = null;
        }
        done.run();
    }

    @Override
    public synchronized AsyncTask current() {
        return current;
    }

    @Override
    public synchronized void cancel(String why) {
        if (future != null) {
            log.warn("cancelling {}: {}", current.kind().text(), why);
            future.cancel(true);
        }
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
