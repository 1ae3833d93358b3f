package io.patronijvm.agent.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import org.slf4j.Logger;

import java.util.Map;

/**
 * The agent's logging, set up in code (a {@code META-INF/services} configurator) instead of by a
 * logback.xml: parsing XML at every start loads logback's Joran and the JDK's XML parser, some 600
 * classes that cost start-up time and resident memory for a configuration that never changes.
 * One line per event: time, level, thread, member and HA cycle (MDC keys {@code member},
 * {@code cycle}), message. The HA thread must never block on logging, hence the async appender;
 * it drops events only when {@link #QUEUE_SIZE} are queued. The shutdown hook drains the queue on
 * exit so the last lines are not lost. A logback-test.xml / logback.xml on the class path or
 * {@code -Dlogback.configurationFile} still wins (tests, an operator's own configuration).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {

    /** The line until {@code log.type} / {@code log.format} in patroni.yml ask for Patroni's ({@link LogOutput}). */
    public static final String PATTERN =
            "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] [%X{member:--}#%X{cycle:--}] %logger{0}: %msg%n";
    /** Sets the root level at start; {@code log.level} from patroni.yml is applied after the config is loaded. */
    public static final String LEVEL_ENV = "PATRONI_LOG_LEVEL";
    /**
     * The level of the HA loop's per-cycle wall-time logger ({@link #CYCLE_TIMING_LOGGER}, DEBUG lines;
     * bench/scale sets DEBUG); its own, so neither this nor {@code log.level} turns on the rest of DEBUG.
     */
    public static final String CYCLE_TIMING_ENV = "PATRONI_JVM_CYCLE_TIMING";
    public static final String CYCLE_TIMING_LOGGER = "io.patronijvm.agent.ha.CycleTiming";
    static final int QUEUE_SIZE = 4096;

    private final Map<String, String> env;

    public ConsoleLogConfigurator() {
        this(System.getenv());
    }

    ConsoleLogConfigurator(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = ConsoleLogConfigurator.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        setUp(context, env.get(LEVEL_ENV));
        cycleTiming(context, env.get(CYCLE_TIMING_ENV));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The cycle-timing logger at {@code level} when set, else INFO (its DEBUG lines off). */
    static void cycleTiming(LoggerContext context, String level) {
        context.getLogger(CYCLE_TIMING_LOGGER)
                .setLevel(level == null || level.isBlank() ? Level.INFO : Level.toLevel(level.strip(), Level.INFO));
    }

    /** The console appender {@code STDOUT} behind the async appender {@code ASYNC} on the root logger. */
    static void setUp(LoggerContext context, String level) {
        context.getStatusManager().add(new NopStatusListener());
        DefaultShutdownHook hook = new DefaultShutdownHook();
        hook.setContext(context);
        Thread hookThread = new Thread(hook, "Logback shutdown hook [" + context.getName() + "]");
        context.putObject(CoreConstants.SHUTDOWN_HOOK_THREAD, hookThread);
        Runtime.getRuntime().addShutdownHook(hookThread);

        PatroniEncoder encoder = new PatroniEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(console);
        async.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level == null || level.isBlank() ? Level.INFO : Level.toLevel(level.strip()));
        root.addAppender(async);
    }
}
