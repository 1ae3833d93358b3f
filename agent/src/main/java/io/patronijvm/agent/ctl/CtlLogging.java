package io.patronijvm.agent.ctl;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of {@code ctl}: warnings and errors on standard error in patronictl's
 * format ({@code <time> - WARNING - <message>}); {@code PATRONI_LOGLEVEL}/{@code LOGLEVEL}
 * lower the threshold. The daemon's console (ConsoleLogConfigurator: a queue and a writer
 * thread over java.util.logging) is what a long-running process needs; a command prints a few
 * warnings and must start fast.
 */
public final class CtlLogging implements SLF4JServiceProvider {

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final Level threshold = threshold();
    private final ILoggerFactory factory = name -> new StderrLogger(name, threshold, System.err);

    private static Level threshold() {
        String level = "WARNING";
        for (String name : new String[] {"LOGLEVEL", "PATRONI_LOGLEVEL", "PATRONI_LOG_LEVEL"}) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) {
                level = v;
            }
        }
        return switch (level.trim().toUpperCase(Locale.ROOT)) {
            case "DEBUG", "TRACE" -> Level.DEBUG;
            case "INFO" -> Level.INFO;
            case "ERROR", "CRITICAL", "FATAL" -> Level.ERROR;
            default -> Level.WARN;
        };
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to load.
    }

    private static final class StderrLogger extends LegacyAbstractLogger {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
        private final transient Level threshold;
        private final transient PrintStream err;

        StderrLogger(String name, Level threshold, PrintStream err) {
            this.name = name;
            this.threshold = threshold;
            this.err = err;
        }

        private boolean on(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable t) {
            String text = MessageFormatter.basicArrayFormat(pattern, args);
            String label = level == Level.WARN ? "WARNING" : level.name();
            err.println(LocalDateTime.now().format(TIME) + " - " + label + " - " + text
                    + (t == null ? "" : ": " + t));
        }
    }
}
