package io.patronijvm.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.function.Function;

/**
 * A logback event seen as Python's {@code logging.LogRecord}: the attribute names a Patroni
 * {@code log.format} uses. Attributes with no Java counterpart ({@code thread}, {@code args},
 * {@code stack_info}, {@code taskName}) and names that are no attribute read as None, which a
 * JSON line prints as null, as python-json-logger does.
 */
final class PyLogRecord implements Function<String, Object> {

    /** The LogRecord attributes; others are reported when the configuration is read. */
    static final Set<String> ATTRIBUTES = Set.of("name", "msg", "args", "levelname", "levelno", "pathname", "filename",
            "module", "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
            "relativeCreated", "thread", "threadName", "processName", "process", "taskName", "message", "asctime");
    static final Set<String> CALLER = Set.of("pathname", "filename", "module", "lineno", "funcName");

    private final ILoggingEvent event;
    private final long pid;
    private final long startMillis;
    private final String dateFormat;
    private final ZoneId zone;

    PyLogRecord(ILoggingEvent event, long pid, long startMillis, String dateFormat, ZoneId zone) {
        this.event = event;
        this.pid = pid;
        this.startMillis = startMillis;
        this.dateFormat = dateFormat;
        this.zone = zone;
    }

    @Override
    public Object apply(String key) {
        long ts = event.getTimeStamp();
        return switch (key) {
            case "name" -> event.getLoggerName();
            case "msg" -> event.getMessage();
            case "message" -> event.getFormattedMessage();
            case "levelname" -> levelName(event.getLevel());
            case "levelno" -> levelNo(event.getLevel());
            case "asctime" -> asctime();
            case "created" -> ts / 1000.0;
            case "msecs" -> (double) (ts % 1000);
            case "relativeCreated" -> (double) (ts - startMillis);
            case "process" -> pid;
            case "processName" -> "MainProcess";
            case "threadName" -> event.getThreadName();
            case "exc_info", "exc_text" -> exception();
            case "pathname", "filename", "module", "lineno", "funcName" -> caller(key);
            default -> null;
        };
    }

    /** The stack trace of the event's exception, null without one. */
    String exception() {
        IThrowableProxy t = event.getThrowableProxy();
        return t == null ? null : ThrowableProxyUtil.asString(t).stripTrailing();
    }

    private String asctime() {
        ZonedDateTime t = ZonedDateTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
        if (dateFormat != null) {
            return StrfTime.format(dateFormat, t);
        }
        return StrfTime.format("%Y-%m-%d %H:%M:%S", t) + String.format(",%03d", event.getTimeStamp() % 1000);
    }

    private Object caller(String key) {
        StackTraceElement[] callers = event.getCallerData();
        if (callers == null || callers.length == 0) {
            return null;
        }
        StackTraceElement c = callers[0];
        String file = c.getFileName();
        return switch (key) {
            case "pathname" -> c.getClassName().replace('.', '/') + (file != null && file.endsWith(".java") ? ".java" : "");
            case "filename" -> file;
            case "module" -> file == null ? null : file.replaceFirst("\\.java$", "");
            case "lineno" -> c.getLineNumber();
            default -> c.getMethodName();
        };
    }

    /** Python's names: WARN is WARNING there. */
    static String levelName(Level level) {
        return switch (level.toInt()) {
            case Level.WARN_INT -> "WARNING";
            default -> level.toString();
        };
    }

    static int levelNo(Level level) {
        return switch (level.toInt()) {
            case Level.TRACE_INT -> 5;
            case Level.DEBUG_INT -> 10;
            case Level.INFO_INT -> 20;
            case Level.WARN_INT -> 30;
            default -> 40;
        };
    }
}
