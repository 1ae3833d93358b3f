package io.patronijvm.restapi;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each request on the given (virtual-thread) executor while fewer than {@code limit} run;
 * beyond that it refuses, and the JDK server closes the refused connection unanswered. A flood
 * then costs a bounded amount of memory instead of growing until the agent runs out of it.
 */
final class BoundedExecutor implements Executor {

    private final Executor delegate;
    private final int limit;
    private final AtomicInteger running = new AtomicInteger();

    BoundedExecutor(Executor delegate, int limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public void execute(Runnable task) {
        if (running.incrementAndGet() > limit) {
            running.decrementAndGet();
            throw new RejectedExecutionException("REST API: " + limit + " requests already in progress");
        }
        try {
            delegate.execute(() -> {
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            running.decrementAndGet();
            throw e;
        }
    }

    int running() {
        return running.get();
    }
}
