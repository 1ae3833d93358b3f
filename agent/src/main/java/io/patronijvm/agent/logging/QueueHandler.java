package io.patronijvm.agent.logging;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * The console behind a bounded queue: a log call only takes the event's fields and offers it, one
 * daemon thread ({@code log-writer}) renders and writes. A blocked standard output (a full pipe, a
 * stopped reader) therefore never stalls the HA loop: once {@code capacity} events wait (besides the
 * batch of up to {@link #BATCH} the writer took), new ones
 * are dropped and counted, and the writer reports the count in a line of its own when it catches up.
 * {@link #close()} (java.util.logging's reset, also at JVM exit) first writes what is queued, for at most
 * {@link #CLOSE_BUDGET}.
 */
public final class QueueHandler extends Handler {

    static final Duration CLOSE_BUDGET = Duration.ofSeconds(1);
    static final int BATCH = 256;

    private final BlockingQueue<Object> queue;
    private final ConsoleLines lines;
    private final Supplier<OutputStream> out;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    /** @param out the stream at each write ({@code System::out}: follows a later {@code System.setOut}) */
    public QueueHandler(int capacity, ConsoleLines lines, Supplier<OutputStream> out) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.lines = lines;
        this.out = out;
        setLevel(Level.ALL);
        this.writer = Thread.ofPlatform().daemon().name("log-writer").unstarted(this::write);
        writer.start();
    }

    public ConsoleLines lines() {
        return lines;
    }

    /** Events dropped so far because the queue was full (the writer resets it when it reports them). */
    long droppedNotReported() {
        return dropped.get();
    }

    @Override
    public void publish(LogRecord record) {
        if (closed || !isLoggable(record)) {
            return;
        }
        if (!queue.offer(LogEvent.of(record, lines.needsCaller()))) {
            dropped.incrementAndGet();
        }
    }

    /** Waits until what is queued now is written, at most {@code budget}; false when it was not. */
    public boolean flush(Duration budget) {
        Flush marker = new Flush();
        try {
            long deadline = System.nanoTime() + budget.toNanos();
            return queue.offer(marker, budget.toNanos(), TimeUnit.NANOSECONDS)
                    && marker.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void flush() {
        flush(CLOSE_BUDGET);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        flush(CLOSE_BUDGET);
        closed = true;
        writer.interrupt();
    }

    private void write() {
        List<Object> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return; // close(): what was queued has been written or its budget is spent
            }
            queue.drainTo(batch, BATCH - 1);
            OutputStream stream = out.get();
            for (Object item : batch) {
                if (item instanceof Flush f) {
                    flushStream(stream);
                    f.done.countDown();
                } else {
                    writeLine(stream, (LogEvent) item);
                }
            }
            batch.clear();
            reportDropped(stream);
            flushStream(stream);
        }
    }

    private void reportDropped(OutputStream stream) {
        long n = dropped.getAndSet(0);
        if (n > 0) {
            writeLine(stream, new LogEvent(System.currentTimeMillis(), Level.WARNING, QueueHandler.class.getName(),
                    Thread.currentThread().getName(), n + " log lines dropped: the output did not keep up",
                    null, null, null, null));
        }
    }

    private void writeLine(OutputStream stream, LogEvent event) {
        try {
            stream.write(lines.render(event).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            reportError("log line not written", e, ErrorManager.WRITE_FAILURE);
        }
    }

    private void flushStream(OutputStream stream) {
        try {
            stream.flush();
        } catch (Exception e) {
            reportError("log output not flushed", e, ErrorManager.FLUSH_FAILURE);
        }
    }

    /** A place in the queue: the writer counts it down when everything before it is written. */
    private static final class Flush {
        final CountDownLatch done = new CountDownLatch(1);
    }
}
