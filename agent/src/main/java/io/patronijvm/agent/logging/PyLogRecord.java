package io.patronijvm.agent.logging;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.function.Function;

/**
 * A log event seen as Python's {@code logging.LogRecord}: the attribute names a Patroni
 * {@code log.format} uses. Attributes with no Java counterpart ({@code thread}, {@code args},
 * {@code stack_info}, {@code taskName}) and names that are no attribute read as None, which a
 * JSON line prints as null, as python-json-logger does. SLF4J hands the logging backend the finished
 * message, so {@code msg} (Python's unformatted one) is the message as well.
 */
final class PyLogRecord implements Function<String, Object> {

    /** The LogRecord attributes; others are reported when the configuration is read. */
    static final Set<String> ATTRIBUTES = Set.of("name", "msg", "args", "levelname", "levelno", "pathname", "filename",
            "module", "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
            "relativeCreated", "thread", "threadName", "processName", "process", "taskName", "message", "asctime");
    static final Set<String> CALLER = Set.of("pathname", "filename", "module", "lineno", "funcName");

    private final LogEvent event;
    private final long pid;
    private final long startMillis;
    private final String dateFormat;
    private final ZoneId zone;

    PyLogRecord(LogEvent event, long pid, long startMillis, String dateFormat, ZoneId zone) {
        this.event = event;
        this.pid = pid;
        this.startMillis = startMillis;
        this.dateFormat = dateFormat;
        this.zone = zone;
    }

    @Override
    public Object apply(String key) {
        long ts = event.millis();
        return switch (key) {
            case "name" -> event.logger();
            case "msg", "message" -> event.message();
            case "levelname" -> levelName(event.levelName());
            case "levelno" -> levelNo(event.levelName());
            case "asctime" -> asctime();
            case "created" -> ts / 1000.0;
            case "msecs" -> (double) (ts % 1000);
            case "relativeCreated" -> (double) (ts - startMillis);
            case "process" -> pid;
            case "processName" -> "MainProcess";
            case "threadName" -> event.thread();
            case "exc_info", "exc_text" -> exception();
            case "pathname", "filename", "module", "lineno", "funcName" -> caller(key);
            default -> null;
        };
    }

    /** The stack trace of the event's exception, null without one. */
    String exception() {
        String trace = event.stackTrace();
        return trace == null ? null : trace.stripTrailing();
    }

    private String asctime() {
        ZonedDateTime t = ZonedDateTime.ofInstant(Instant.ofEpochMilli(event.millis()), zone);
        if (dateFormat != null) {
            return StrfTime.format(dateFormat, t);
        }
        return StrfTime.format("%Y-%m-%d %H:%M:%S", t) + String.format(",%03d", event.millis() % 1000);
    }

    private Object caller(String key) {
        StackTraceElement c = event.caller();
        if (c == null) {
            return null;
        }
        String file = c.getFileName();
        return switch (key) {
            case "pathname" -> c.getClassName().replace('.', '/') + (file != null && file.endsWith(".java") ? ".java" : "");
            case "filename" -> file;
            case "module" -> file == null ? null : file.replaceFirst("\\.java$", "");
            case "lineno" -> c.getLineNumber() < 0 ? null : c.getLineNumber();
            default -> c.getMethodName();
        };
    }

    /** Python's names: WARN is WARNING there. */
    static String levelName(String slf4jName) {
        return slf4jName.equals("WARN") ? "WARNING" : slf4jName;
    }

    static int levelNo(String slf4jName) {
        return switch (slf4jName) {
            case "TRACE" -> 5;
            case "DEBUG" -> 10;
            case "INFO" -> 20;
            case "WARN" -> 30;
            default -> 40;
        };
    }
}
