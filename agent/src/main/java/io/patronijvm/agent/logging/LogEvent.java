package io.patronijvm.agent.logging;

import org.slf4j.MDC;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * What a line needs of one log call, taken on the calling thread: the thread name and the MDC
 * ({@code member}, {@code cycle}) are that thread's, and the arguments may change once the call
 * returns. The console writes the line later, on its own thread.
 *
 * @param caller the frame that logged, null unless the line format prints it
 */
public record LogEvent(long millis, Level level, String logger, String thread, String message, Throwable thrown,
                       String member, String cycle, StackTraceElement caller) {

    private static final StackWalker WALKER = StackWalker.getInstance();

    /** The record as the current thread logs it; {@code withCaller} looks up the logging frame. */
    public static LogEvent of(LogRecord record, boolean withCaller) {
        return new LogEvent(record.getMillis(), record.getLevel(),
                record.getLoggerName() == null ? "" : record.getLoggerName(), Thread.currentThread().getName(),
                message(record), record.getThrown(), MDC.get("member"), MDC.get("cycle"),
                withCaller ? caller(record) : null);
    }

    /** SLF4J's adapter hands JUL a finished message; JUL's own callers (pgjdbc, the JDK) may pass {0} parameters. */
    static String message(LogRecord record) {
        String format = record.getMessage();
        if (format == null) {
            return "";
        }
        if (record.getResourceBundle() != null) {
            try {
                format = record.getResourceBundle().getString(format);
            } catch (MissingResourceException e) {
                // the key itself is the message, as java.util.logging.Formatter prints it
            }
        }
        Object[] params = record.getParameters();
        if (params == null || params.length == 0 || !format.contains("{")) {
            return format;
        }
        try {
            return MessageFormat.format(format, params);
        } catch (IllegalArgumentException e) {
            return format; // a bad pattern prints as it is, as java.util.logging.Formatter does
        }
    }

    /**
     * The frame of the method JUL names as the source (slf4j-jdk14 fills it in; JUL infers it
     * for its own callers), with the file and line that LogRecord does not keep.
     */
    private static StackTraceElement caller(LogRecord record) {
        String cls = record.getSourceClassName();
        String method = record.getSourceMethodName();
        if (cls == null) {
            return null;
        }
        Optional<StackWalker.StackFrame> frame = WALKER.walk(s -> s
                .filter(f -> f.getClassName().equals(cls) && (method == null || f.getMethodName().equals(method)))
                .findFirst());
        return frame.map(StackWalker.StackFrame::toStackTraceElement)
                .orElseGet(() -> new StackTraceElement(cls, method == null ? "?" : method, null, -1));
    }

    /** The stack trace as {@link Throwable#printStackTrace()} prints it, null without an exception. */
    public String stackTrace() {
        if (thrown == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (PrintWriter w = new PrintWriter(out)) {
            thrown.printStackTrace(w);
        }
        return out.toString();
    }

    /** SLF4J's name of the level (ERROR, WARN, INFO, DEBUG, TRACE). */
    public String levelName() {
        return Levels.name(level);
    }
}
