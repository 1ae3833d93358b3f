package io.patronijvm.dcs.consul;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patronijvm.testkit.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing leader watch retries about once a second, so an unreachable Consul fails once a second:
 * the first failure is a WARN, then one WARN per 30 s with the count left out, and an INFO when
 * the watch answers again.
 */
class WatchFailureLogTest {

    private final FakeClock clock = new FakeClock();
    private final Logger logger = (Logger) LoggerFactory.getLogger("test.WatchFailureLog");
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private final WatchFailureLog log = new WatchFailureLog(logger, clock);

    @BeforeEach
    void attach() {
        seen.start();
        logger.addAppender(seen);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(seen);
    }

    @Test
    void aConsulOutageLogsTheFirstFailureThenAtMostOncePer30sAndOnceWhenItWorksAgain() {
        for (int i = 0; i < 65; i++) { // 65 s of 1 s slices, each failing
            log.failed("leader watch failed: Failed to connect to /127.0.10.1:8500");
            clock.advance(Duration.ofSeconds(1));
        }
        log.succeeded();
        log.succeeded();

        List<String> lines = seen.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("WARN leader watch failed: Failed to connect to /127.0.10.1:8500");
        assertThat(lines.get(1)).startsWith("WARN leader watch failed: Failed to connect")
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

        assertThat(seen.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO, Level.WARN);
        assertThat(seen.list.get(2).getFormattedMessage()).isEqualTo("leader watch answered HTTP 500: No cluster leader");
    }

    @Test
    void successesWithoutAnOutageLogNothing() {
        log.succeeded();
        clock.advance(Duration.ofSeconds(40));
        log.succeeded();
        assertThat(seen.list).isEmpty();
    }
}
