package io.patronijvm.agent.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code log:} section's line format to the console {@link ConsoleLogConfigurator} sets up (at
 * start and on each reload, as Patroni's {@code PatroniLogger.reload_config}).
 */
public final class LogOutput {

    private static final Logger log = LoggerFactory.getLogger(LogOutput.class);

    private LogOutput() {
    }

    /** False when the agent's console is not installed (an operator's own java.util.logging configuration). */
    public static boolean apply(LogFormat format) {
        return apply(ConsoleLogConfigurator.installed(), format);
    }

    static boolean apply(QueueHandler handler, LogFormat format) {
        if (handler == null) {
            if (!format.equals(LogFormat.NATIVE)) {
                log.warn("log.type/log.format not applied: the agent's console handler is not configured");
            }
            return false;
        }
        ConsoleLines lines = handler.lines();
        if (!lines.format().equals(format)) {
            lines.use(format);
        }
        return true;
    }
}
