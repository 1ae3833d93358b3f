package io.patronijvm.agent.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's console ({@link QueueHandler} with {@link ConsoleLines}) fed by SLF4J through
 * slf4j-jdk14, as in the agent, switched to Patroni's lines and back as a start or a reload does.
 */
class LogOutputTest {

    private static final String NAME = "test.logoutput.HaLoop";
    private final Logger jul = Logger.getLogger(NAME); // held: java.util.logging keeps loggers weakly
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final QueueHandler handler = new QueueHandler(64, new ConsoleLines(ZoneId.of("UTC")), () -> out);

    @BeforeEach
    void attach() {
        jul.addHandler(handler);
        jul.setUseParentHandlers(false);
        jul.setLevel(Level.INFO);
    }

    @AfterEach
    void detach() {
        jul.removeHandler(handler);
        jul.setUseParentHandlers(true);
        handler.close();
        MDC.clear();
    }

    @Test
    void theProductionConsoleSwitchesToJsonPlainAndBackToItsOwnLine() {
        String thread = Thread.currentThread().getName();
        MDC.put("member", "node1");
        MDC.put("cycle", "42");
        assertThat(lineOf("hello {}", "world")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\["
                + java.util.regex.Pattern.quote(thread) + "\\] \\[node1#42\\] HaLoop: hello world\n");
        MDC.clear();
        assertThat(lineOf("hello")).endsWith(" [-#-] HaLoop: hello\n");

        assertThat(LogOutput.apply(handler, LogFormat.json(LogFormat.fieldsOf("%(levelname)s %(message)s"), null,
                Map.of("cluster", "demo")))).isTrue();
        assertThat(lineOf("hello")).isEqualTo("{\"levelname\": \"INFO\", \"message\": \"hello\", \"cluster\": \"demo\"}\n");
        assertThat(handler.lines().needsCaller()).isFalse();

        assertThat(LogOutput.apply(handler, LogFormat.plain("%(levelname)s %(funcName)s %(filename)s %(module)s: "
                + "%(message)s", null))).isTrue();
        assertThat(handler.lines().needsCaller()).as("funcName needs the caller").isTrue();
        assertThat(lineOf("hello")).isEqualTo("INFO lineOf LogOutputTest.java LogOutputTest: hello\n");
        LogOutput.apply(handler, LogFormat.plain("%(lineno)d", null));
        assertThat(Integer.parseInt(lineOf("hello").strip())).as("the line of the log call").isPositive();

        assertThat(LogOutput.apply(handler, LogFormat.NATIVE)).isTrue();
        assertThat(lineOf("hello")).endsWith(" INFO  [" + thread + "] [-#-] HaLoop: hello\n");
        assertThat(handler.lines().needsCaller()).isFalse();
    }

    @Test
    void aThreadStartedByTheHaThreadDoesNotPrintItsMemberAndCycle() throws InterruptedException {
        assertThat(MDC.getMDCAdapter()).as("the agent's provider").isInstanceOf(JulProvider.ThreadMdc.class);
        MDC.put("member", "node1");
        MDC.put("cycle", "1");
        Thread reader = Thread.ofPlatform().name("proc-out-initdb-1").start(() ->
                LoggerFactory.getLogger(NAME).info("from a reader"));
        reader.join(Duration.ofSeconds(30));
        assertThat(handler.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(written()).endsWith(" INFO  [proc-out-initdb-1] [-#-] HaLoop: from a reader\n");
        assertThat(MDC.getCopyOfContextMap()).containsEntry("cycle", "1");
    }

    @Test
    void theDaemonsConsoleIsLeftAloneWhenAnotherConfigurationOwnsLogging() {
        // the test JVM has its logging.properties: ConsoleLogConfigurator.install did not run
        assertThat(ConsoleLogConfigurator.installed()).isNull();
        assertThat(LogOutput.apply(LogFormat.plain(LogFormat.PATRONI_DEFAULT, null))).isFalse();
        assertThat(LogOutput.apply(LogFormat.NATIVE)).isFalse();
    }

    @Test
    void jdkLoggersWithParametersAndExceptionsComeOutInTheSameLine() {
        jul.log(Level.WARNING, "statement {0} failed after {1} ms", new Object[] {"SELECT 1", 12});
        jul.log(Level.SEVERE, "connection lost", new IllegalStateException("boom"));
        assertThat(handler.flush(Duration.ofSeconds(30))).isTrue();
        String text = written();
        assertThat(text).contains(" WARN  [").contains("] [-#-] HaLoop: statement SELECT 1 failed after 12 ms\n")
                .contains(" ERROR [").contains("HaLoop: connection lost\njava.lang.IllegalStateException: boom\n"
                        + "\tat io.patronijvm.agent.logging.LogOutputTest.jdkLoggersWith");
    }

    private String lineOf(String message, Object... args) {
        out.reset();
        LoggerFactory.getLogger(NAME).info(message, args);
        assertThat(handler.flush(Duration.ofSeconds(30))).as("written").isTrue();
        return written();
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
