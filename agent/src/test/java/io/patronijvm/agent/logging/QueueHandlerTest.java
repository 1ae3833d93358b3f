package io.patronijvm.agent.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The console's queue: a stuck standard output costs dropped lines, never a stuck HA loop. */
class QueueHandlerTest {

    private final CountDownLatch unblock = new CountDownLatch(1);
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    /** Standard output whose reader stopped: every write waits until the test lets it go. */
    private final OutputStream stuck = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                if (!unblock.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("never unblocked");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            synchronized (written) {
                written.write(b, off, len);
            }
        }
    };
    private final QueueHandler handler = new QueueHandler(8, new ConsoleLines(ZoneId.of("UTC")), () -> stuck);

    @AfterEach
    void close() {
        unblock.countDown();
        handler.close();
    }

    @Test
    void aBlockedOutputNeverBlocksTheLoggingThreadAndTheDropsAreReportedOnceItMoves() {
        // Without the queue's drop this would wait on the stuck stream for 60 s.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 1000; i++) { // more than the queue and one batch
                handler.publish(record("line " + i));
            }
        });
        assertThat(handler.droppedNotReported()).as("kept: the queue and the writer's batch, stuck on its first line")
                .isGreaterThanOrEqualTo(1000 - 8 - QueueHandler.BATCH);
        unblock.countDown();
        await("the writer catches up").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(text()).contains("WARN  [log-writer] [-#-] QueueHandler: ")
                        .contains(" log lines dropped: the output did not keep up\n"));
        assertThat(text()).contains(" INFO  [").contains("HaLoop: line 0\n");
        long kept = text().lines().filter(l -> l.contains("HaLoop: line ")).count();
        long dropped = Long.parseLong(text().replaceAll("(?s).*QueueHandler: (\\d+) log lines dropped.*", "$1"));
        assertThat(kept + dropped).isEqualTo(1000);
    }

    @Test
    void closeWritesWhatIsQueuedFirst() {
        unblock.countDown();
        QueueHandler big = new QueueHandler(4096, new ConsoleLines(ZoneId.of("UTC")), () -> written);
        for (int i = 0; i < 500; i++) {
            big.publish(record("line " + i));
        }
        big.close();
        assertThat(text().lines().count()).isEqualTo(500);
        assertThat(text()).endsWith("HaLoop: line 499\n");
        big.publish(record("after close"));
        assertThat(text()).doesNotContain("after close");
    }

    private static LogRecord record(String message) {
        LogRecord r = new LogRecord(Level.INFO, message);
        r.setLoggerName("io.patronijvm.agent.ha.HaLoop");
        return r;
    }

    private String text() {
        synchronized (written) {
            return written.toString(StandardCharsets.UTF_8);
        }
    }
}
