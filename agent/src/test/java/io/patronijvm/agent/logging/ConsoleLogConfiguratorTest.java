package io.patronijvm.agent.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's logging set-up in code: found by logback as a service, the same appenders logback.xml had. */
class ConsoleLogConfiguratorTest {

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
        Object hook = context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD);
        if (hook instanceof Thread t) {
            Runtime.getRuntime().removeShutdownHook(t);
        }
        context.stop();
    }

    @Test
    void logbackFindsItAsAServiceOfTheAgentJar() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/" + Configurator.class.getName())) {
            assertThat(in).as("service file").isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo(ConsoleLogConfigurator.class.getName());
        }
    }

    @Test
    void aLogbackXmlOnTheClassPathStillWins() {
        // the test class path has logback-test.xml: Joran must get its turn
        assertThat(new ConsoleLogConfigurator(Map.of()).configure(context))
                .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void theCycleTimingLoggerIsOffUnlessItsOwnVariableAsksAndDoesNotFollowTheRoot() {
        ConsoleLogConfigurator.setUp(context, "debug");
        ConsoleLogConfigurator.cycleTiming(context, null);
        ch.qos.logback.classic.Logger timing = context.getLogger(ConsoleLogConfigurator.CYCLE_TIMING_LOGGER);
        assertThat(timing.isDebugEnabled()).as("root at DEBUG, variable unset").isFalse();
        ConsoleLogConfigurator.cycleTiming(context, " DEBUG ");
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        assertThat(timing.isDebugEnabled()).as("variable DEBUG, root at WARN").isTrue();
        ConsoleLogConfigurator.cycleTiming(context, "nonsense");
        assertThat(timing.getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void theRootLevelComesFromTheEnvironmentAndTheConsoleIsBehindANonBlockingQueue() {
        ConsoleLogConfigurator.setUp(context, "error");
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.ERROR);
        AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC");
        assertThat(async.isStarted()).isTrue();
        assertThat(async.getQueueSize()).isEqualTo(ConsoleLogConfigurator.QUEUE_SIZE);
        assertThat(async.isNeverBlock()).isTrue();
        assertThat(async.getDiscardingThreshold()).isZero();
        ConsoleAppender<?> console = (ConsoleAppender<?>) async.getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        assertThat(((PatroniEncoder) console.getEncoder()).getPattern()).isEqualTo(ConsoleLogConfigurator.PATTERN);
        assertThat(context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD)).as("drains the queue on exit")
                .isInstanceOf(Thread.class);
    }

    @Test
    void withoutTheVariableTheLevelIsInfo() {
        ConsoleLogConfigurator.setUp(context, null);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    }
}
