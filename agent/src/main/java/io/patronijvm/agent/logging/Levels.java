package io.patronijvm.agent.logging;

import java.util.Locale;
import java.util.logging.Level;

/**
 * The level names the agent reads and prints (SLF4J's TRACE, DEBUG, INFO, WARN, ERROR, which the
 * configuration maps Patroni's names onto) and the {@code java.util.logging} levels behind them,
 * the ones slf4j-jdk14 logs at: TRACE = FINEST, DEBUG = FINE, INFO, WARN = WARNING, ERROR = SEVERE.
 */
public final class Levels {

    private Levels() {
    }

    /**
     * The level named {@code name} (case and surrounding blanks ignored; Python's WARNING,
     * CRITICAL and FATAL as well, and ALL / OFF), or {@code fallback} for null, blank and unknown names.
     */
    public static Level parse(String name, Level fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        return switch (name.strip().toUpperCase(Locale.ROOT)) {
            case "ALL" -> Level.ALL;
            case "TRACE" -> Level.FINEST;
            case "DEBUG" -> Level.FINE;
            case "INFO" -> Level.INFO;
            case "WARN", "WARNING" -> Level.WARNING;
            case "ERROR", "CRITICAL", "FATAL" -> Level.SEVERE;
            case "OFF" -> Level.OFF;
            default -> fallback;
        };
    }

    /**
     * SLF4J's name of a JUL level, as jul-to-slf4j maps the levels SLF4J does not have: FINER is
     * DEBUG, CONFIG is INFO.
     */
    public static String name(Level level) {
        int v = level.intValue();
        if (v <= Level.FINEST.intValue()) {
            return "TRACE";
        }
        if (v <= Level.FINE.intValue()) {
            return "DEBUG";
        }
        if (v <= Level.INFO.intValue()) {
            return "INFO";
        }
        return v <= Level.WARNING.intValue() ? "WARN" : "ERROR";
    }
}
