package io.patronijvm.agent.logging;

import io.patronijvm.agent.cli.LogLevels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon's logging set-up in code: java.util.logging's root gets the queued console on standard
 * output, the level from the environment and then {@code log.level}; the libraries that log through
 * java.util.logging themselves stay at INFO when the agent's level is DEBUG. The test JVM's own
 * configuration (logging.properties) is put back after each test.
 */
class ConsoleLogConfiguratorTest {

    private static final String CONFIG = "java.util.logging.config.file";
    private final String testConfig = System.getProperty(CONFIG);
    private final PrintStream stdout = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restore() throws IOException {
        ConsoleLogConfigurator.uninstall();
        System.setOut(stdout);
        System.setProperty(CONFIG, testConfig);
        LogManager.getLogManager().readConfiguration();
    }

    @Test
    void anOperatorsJavaUtilLoggingConfigurationWins() {
        List<Handler> before = List.of(Logger.getLogger("").getHandlers());
        assertThat(ConsoleLogConfigurator.install(Map.of())).isNull();
        assertThat(Logger.getLogger("").getHandlers()).containsExactlyElementsOf(before);
        assertThat(ConsoleLogConfigurator.installed()).isNull();
    }

    @Test
    void theRootLevelComesFromTheEnvironmentAndTheConsoleIsTheQueueOnStandardOutput() {
        QueueHandler handler = installed(Map.of(ConsoleLogConfigurator.LEVEL_ENV, " error "));
        Logger root = Logger.getLogger("");
        assertThat(root.getLevel()).isEqualTo(Level.SEVERE);
        assertThat(root.getHandlers()).as("the JDK's default ConsoleHandler is not created").containsExactly(handler);
        assertThat(ConsoleLogConfigurator.installed()).isSameAs(handler);
        assertThat(ConsoleLogConfigurator.install(Map.of())).as("once").isNull();

        org.slf4j.Logger log = LoggerFactory.getLogger("io.patronijvm.agent.ha.HaLoop");
        log.warn("not at ERROR");
        log.error("failed: {}", "boom");
        assertThat(handler.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(captured.toString(StandardCharsets.UTF_8)).matches(
                "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR \\[[^]]+\\] \\[-#-\\] HaLoop: failed: boom\n");
    }

    @Test
    void withoutTheVariableTheLevelIsInfoAndANonsenseValueIsInfoToo() {
        installed(Map.of());
        assertThat(Logger.getLogger("").getLevel()).isEqualTo(Level.INFO);
        ConsoleLogConfigurator.uninstall();
        installed(Map.of(ConsoleLogConfigurator.LEVEL_ENV, "loud"));
        assertThat(Logger.getLogger("").getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void logLevelDebugLeavesTheLibrariesOfJavaUtilLoggingAtInfo() {
        installed(Map.of());
        LogLevels.apply("DEBUG");
        assertThat(LoggerFactory.getLogger("io.patronijvm.agent.ha.HaLoop").isDebugEnabled()).isTrue();
        for (String name : List.of("org.postgresql.Driver", "com.sun.net.httpserver",
                "sun.net.www.protocol.http.HttpURLConnection", "jdk.event.security", "javax.net.ssl")) {
            Logger lib = Logger.getLogger(name);
            assertThat(lib.isLoggable(Level.FINE)).as(name).isFalse();
            assertThat(lib.isLoggable(Level.INFO)).as(name).isTrue();
        }
        LogLevels.apply("WARN");
        assertThat(Logger.getLogger("org.postgresql.Driver").isLoggable(Level.INFO)).as("follows the root above INFO")
                .isFalse();
        assertThat(LoggerFactory.getLogger("io.patronijvm.agent.ha.HaLoop").isInfoEnabled()).isFalse();
    }

    @Test
    void theCycleTimingLoggerIsOffUnlessItsOwnVariableAsksAndDoesNotFollowTheRoot() {
        installed(Map.of(ConsoleLogConfigurator.LEVEL_ENV, "debug"));
        org.slf4j.Logger timing = LoggerFactory.getLogger(ConsoleLogConfigurator.CYCLE_TIMING_LOGGER);
        assertThat(timing.isDebugEnabled()).as("root at DEBUG, variable unset").isFalse();
        ConsoleLogConfigurator.cycleTiming(" DEBUG ");
        LogLevels.apply("WARN");
        assertThat(timing.isDebugEnabled()).as("variable DEBUG, root at WARN").isTrue();
        ConsoleLogConfigurator.cycleTiming("nonsense");
        assertThat(Logger.getLogger(ConsoleLogConfigurator.CYCLE_TIMING_LOGGER).getLevel()).isEqualTo(Level.INFO);
    }

    private QueueHandler installed(Map<String, String> env) {
        System.clearProperty(CONFIG);
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        QueueHandler handler = ConsoleLogConfigurator.install(env);
        assertThat(handler).isNotNull();
        return handler;
    }
}
