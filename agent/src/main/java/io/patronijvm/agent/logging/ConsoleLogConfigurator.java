package io.patronijvm.agent.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The agent's logging: SLF4J over the JDK's {@code java.util.logging} (slf4j-jdk14), set up in code
 * when the daemon starts. Logback loaded some 220 classes in a running agent (about 1 MB of resident
 * memory, measured in issue 17) for a console line this class and {@link QueueHandler} give in a
 * few; pgjdbc and the JDK's HTTP server
 * and client log through java.util.logging anyway, so their lines now come out in the same format.
 * One line per event on standard output (see {@link NativeLine} until {@code log.format} asks for
 * Patroni's, {@link LogOutput}); the HA thread never blocks on logging, hence the bounded queue that
 * drops when {@link #QUEUE_SIZE} events wait. java.util.logging's own shutdown hook closes the
 * handler, which writes the queue out first.
 * An operator's own java.util.logging configuration ({@code -Djava.util.logging.config.file} or
 * {@code .class}) wins: the agent then leaves handlers and levels as it sets them (the tests do this).
 */
public final class ConsoleLogConfigurator {

    /** Sets the root level at start; {@code log.level} from patroni.yml is applied after the config is loaded. */
    public static final String LEVEL_ENV = "PATRONI_LOG_LEVEL";
    /**
     * The level of the HA loop's per-cycle wall-time logger ({@link #CYCLE_TIMING_LOGGER}, DEBUG lines;
     * bench/scale sets DEBUG); its own, so neither this nor {@code log.level} turns on the rest of DEBUG.
     */
    public static final String CYCLE_TIMING_ENV = "PATRONI_JVM_CYCLE_TIMING";
    public static final String CYCLE_TIMING_LOGGER = "io.patronijvm.agent.ha.CycleTiming";
    static final int QUEUE_SIZE = 4096;
    static final String PROVIDER_PROPERTY = "slf4j.provider";
    /**
     * The loggers of code that logs through java.util.logging itself (pgjdbc, JNA, the JDK:
     * its HTTP server, HttpURLConnection, TLS). They stay at INFO when {@code log.level} is DEBUG or
     * TRACE, as they were when logback was the agent's backend and these went to JUL's default
     * INFO console: their FINE output is a line per packet, statement or header.
     */
    static final List<String> LIBRARY_LOGGERS = List.of("org.postgresql", "com.sun", "sun", "jdk", "java",
            "javax");

    // java.util.logging keeps loggers weakly: one nobody references loses its level.
    private static final List<Logger> CONFIGURED = new ArrayList<>();
    private static volatile QueueHandler installed;

    private ConsoleLogConfigurator() {
    }

    /**
     * The daemon's console at start, before anything logs; null (nothing changed) when an operator's
     * java.util.logging configuration is given, or when it is installed already. Either way SLF4J
     * gets {@link JulProvider} unless {@code -Dslf4j.provider} names another.
     */
    public static synchronized QueueHandler install(Map<String, String> env) {
        if (System.getProperty(PROVIDER_PROPERTY) == null) {
            System.setProperty(PROVIDER_PROPERTY, JulProvider.class.getName());
            // else SLF4J says on standard error which provider it was told to load
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        if (installed != null || System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return null;
        }
        // reset(): no ConsoleHandler of the JDK's default logging.properties is created.
        LogManager.getLogManager().reset();
        QueueHandler handler = new QueueHandler(QUEUE_SIZE, new ConsoleLines(), () -> System.out);
        Logger.getLogger("").addHandler(handler);
        installed = handler;
        rootLevel(Levels.parse(env.get(LEVEL_ENV), Level.INFO));
        cycleTiming(env.get(CYCLE_TIMING_ENV));
        return handler;
    }

    /** Takes the console off the root logger again, after writing what it holds. */
    static synchronized void uninstall() {
        QueueHandler h = installed;
        if (h != null) {
            Logger.getLogger("").removeHandler(h);
            h.close();
            installed = null;
        }
    }

    /** The handler {@link #install} added, null without one. */
    public static QueueHandler installed() {
        return installed;
    }

    /**
     * The root logger's level (the agent's loggers follow it); with the agent's console the
     * {@link #LIBRARY_LOGGERS} stay at INFO below INFO and follow it above (an operator's own
     * configuration keeps its levels for them).
     */
    public static synchronized void rootLevel(Level level) {
        Logger.getLogger("").setLevel(level);
        if (installed == null) {
            return;
        }
        Level libraries = level.intValue() < Level.INFO.intValue() ? Level.INFO : null;
        for (String name : LIBRARY_LOGGERS) {
            keep(name).setLevel(libraries);
        }
    }

    /** The cycle-timing logger at {@code level} when it names one, else INFO (its DEBUG lines off). */
    static synchronized void cycleTiming(String level) {
        keep(CYCLE_TIMING_LOGGER).setLevel(Levels.parse(level, Level.INFO));
    }

    private static Logger keep(String name) {
        Logger logger = Logger.getLogger(name);
        if (!CONFIGURED.contains(logger)) {
            CONFIGURED.add(logger);
        }
        return logger;
    }
}
