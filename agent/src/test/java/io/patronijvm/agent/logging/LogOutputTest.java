package io.patronijvm.agent.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's own console set-up ({@link ConsoleLogConfigurator}), switched to Patroni's lines and back as a start or a reload does. */
class LogOutputTest {

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void theProductionConsoleSwitchesToJsonPlainAndBackToItsOwnLine() {
        ConsoleLogConfigurator.setUp(context, null);
        AsyncAppender async = (AsyncAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) async.getAppender("STDOUT");
        PatroniEncoder encoder = (PatroniEncoder) console.getEncoder();
        String nativeLine = render(encoder);
        assertThat(nativeLine).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[ha-loop\\] \\[-#-\\] HaLoop: hello\n");

        assertThat(LogOutput.apply(context, LogFormat.json(LogFormat.fieldsOf("%(levelname)s %(message)s"), null,
                Map.of("cluster", "demo")))).isTrue();
        assertThat(render(encoder)).isEqualTo("{\"levelname\": \"INFO\", \"message\": \"hello\", \"cluster\": \"demo\"}\n");
        assertThat(async.isIncludeCallerData()).isFalse();

        assertThat(LogOutput.apply(context, LogFormat.plain("%(levelname)s %(funcName)s: %(message)s", null))).isTrue();
        assertThat(async.isIncludeCallerData()).as("funcName needs the caller").isTrue();

        assertThat(LogOutput.apply(context, LogFormat.NATIVE)).isTrue();
        assertThat(render(encoder)).isEqualTo(nativeLine);
        assertThat(async.isIncludeCallerData()).isFalse();
    }

    @Test
    void aContextWithoutTheAgentsEncoderIsLeftAlone() {
        assertThat(LogOutput.apply(context, LogFormat.plain(LogFormat.PATRONI_DEFAULT, null))).isFalse();
    }

    private String render(PatroniEncoder encoder) {
        LoggingEvent e = new LoggingEvent();
        e.setLoggerName("io.patronijvm.agent.ha.HaLoop");
        e.setLevel(Level.INFO);
        e.setMessage("hello");
        e.setThreadName("ha-loop");
        e.setTimeStamp(1_796_140_652_793L);
        e.setLoggerContext(context);
        e.setMDCPropertyMap(Map.of());
        return new String(encoder.encode(e), StandardCharsets.UTF_8);
    }
}
