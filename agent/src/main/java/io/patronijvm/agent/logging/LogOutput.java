package io.patronijvm.agent.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * Applies the {@code log:} section's line format to the console output {@link ConsoleLogConfigurator} sets up (at
 * start and on each reload, as Patroni's {@code PatroniLogger.reload_config}).
 */
public final class LogOutput {

    private static final Logger log = LoggerFactory.getLogger(LogOutput.class);

    private LogOutput() {
    }

    /** False when logback is not configured by {@link ConsoleLogConfigurator} (then the lines stay as they are). */
    public static boolean apply(LogFormat format) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        return factory instanceof LoggerContext context && apply(context, format);
    }

    static boolean apply(LoggerContext context, LogFormat format) {
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        boolean applied = false;
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            applied |= apply(it.next(), format);
        }
        if (!applied && !format.equals(LogFormat.NATIVE)) {
            log.warn("log.type/log.format not applied: the agent's console appender is not configured");
        }
        return applied;
    }

    private static boolean apply(Appender<ILoggingEvent> appender, LogFormat format) {
        if (appender instanceof AsyncAppender async) {
            // The caller's class and line must be captured on the logging thread, before the queue.
            async.setIncludeCallerData(format.needsCallerData());
            boolean applied = false;
            for (Iterator<Appender<ILoggingEvent>> it = async.iteratorForAppenders(); it.hasNext(); ) {
                applied |= apply(it.next(), format);
            }
            return applied;
        }
        if (appender instanceof OutputStreamAppender<ILoggingEvent> out && out.getEncoder() instanceof PatroniEncoder e) {
            if (!e.format().equals(format)) {
                e.use(format);
            }
            return true;
        }
        return false;
    }
}
