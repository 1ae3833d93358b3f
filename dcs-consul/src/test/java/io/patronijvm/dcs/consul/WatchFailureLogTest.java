package io.patronijvm.dcs.consul;

import io.patronijvm.testkit.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing leader watch retries about once a second, so an unreachable Consul fails once a second:
 * the first failure is a WARN, then one WARN per 30 s with the count left out, and an INFO when
 * the watch answers again. The lines are caught where the agent's backend (java.util.logging
 * behind slf4j-jdk14) hands them to its handlers.
 */
class WatchFailureLogTest {

    private final FakeClock clock = new FakeClock();
    private static final String NAME = "test.WatchFailureLog";
    private final Logger jul = Logger.getLogger(NAME); // held: java.util.logging keeps loggers weakly
    private final List<LogRecord> seen = new CopyOnWriteArrayList<>();
    private final Handler catcher = new Handler() {
        @Override
        public void publish(LogRecord record) {
            seen.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final WatchFailureLog log = new WatchFailureLog(LoggerFactory.getLogger(NAME), clock);

    @BeforeEach
    void attach() {
        jul.addHandler(catcher);
        jul.setUseParentHandlers(false);
        jul.setLevel(Level.FINE);
    }

    @AfterEach
    void detach() {
        jul.removeHandler(catcher);
        jul.setUseParentHandlers(true);
    }

    @Test
    void aConsulOutageLogsTheFirstFailureThenAtMostOncePer30sAndOnceWhenItWorksAgain() {
        for (int i = 0; i < 65; i++) { // 65 s of 1 s slices, each failing
            log.failed("leader watch failed: Failed to connect to /127.0.10.1:8500");
            clock.advance(Duration.ofSeconds(1));
        }
        log.succeeded();
        log.succeeded();

        List<String> lines = seen.stream().map(e -> e.getLevel() + " " + e.getMessage()).toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("WARNING leader watch failed: Failed to connect to /127.0.10.1:8500");
        assertThat(lines.get(1)).startsWith("WARNING leader watch failed: Failed to connect")
                .endsWith("(still failing; 29 similar failures not logged in the last 30 s)");
        assertThat(lines.get(2)).endsWith("(still failing; 29 similar failures not logged in the last 30 s)");
        assertThat(lines.get(3)).isEqualTo("INFO leader watch works again after 65 s (65 failed requests)");
    }

    @Test
    void aNewOutageAfterRecoveryIsLoggedAtOnce() {
        log.failed("leader watch answered HTTP 500: rpc error");
        clock.advance(Duration.ofSeconds(1));
        log.succeeded();
        clock.advance(Duration.ofSeconds(1));
        log.failed("leader watch answered HTTP 500: No cluster leader");

        assertThat(seen).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.INFO, Level.WARNING);
        assertThat(seen.get(2).getMessage()).isEqualTo("leader watch answered HTTP 500: No cluster leader");
    }

    @Test
    void successesWithoutAnOutageLogNothing() {
        log.succeeded();
        clock.advance(Duration.ofSeconds(40));
        log.succeeded();
        assertThat(seen).isEmpty();
    }
}
