package io.patronijvm.agent.logging;

import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The agent's own line ({@link NativeLine}) for a java.util.logging configuration of one's own:
 * {@code java.util.logging.ConsoleHandler.formatter=io.patronijvm.agent.logging.NativeFormatter}
 * (the tests' logging.properties). The handler must format on the logging thread, as JUL's
 * stream handlers do, since the line carries that thread's name and MDC.
 */
public final class NativeFormatter extends Formatter {

    private final NativeLine line = new NativeLine(ZoneId.systemDefault());

    @Override
    public String format(LogRecord record) {
        return line.render(LogEvent.of(record, false));
    }
}
