package io.patronijvm.agent.ha;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link TimerService} on one named daemon thread. */
public final class ScheduledTimerService implements TimerService {

    private static final Logger log = LoggerFactory.getLogger(ScheduledTimerService.class);

    private final ScheduledExecutorService executor;

    public ScheduledTimerService(String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Handle schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = executor.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // The timer thread must survive a failing task: the next lease timer depends on it.
                log.error("timer task failed", e);
            }
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
