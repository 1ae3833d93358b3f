package io.patronijvm.agent.logging;

import java.time.ZoneId;

/**
 * The console's line ({@link ConsoleLogConfigurator}): the agent's own ({@link NativeLine}) until the
 * configuration asks for Patroni's {@code log.type}/{@code log.format} ({@link LogOutput}), then
 * that line. Switching is one volatile write, so a reload changes the format between two lines,
 * never inside one.
 */
public final class ConsoleLines {

    private final long startMillis = System.currentTimeMillis();
    private final NativeLine nativeLine;
    private volatile LogLines lines;
    private volatile LogFormat format = LogFormat.NATIVE;
    private volatile boolean needsCaller;

    public ConsoleLines() {
        this(ZoneId.systemDefault());
    }

    ConsoleLines(ZoneId zone) {
        this.nativeLine = new NativeLine(zone);
    }

    void use(LogFormat next) {
        lines = next.equals(LogFormat.NATIVE) ? null
                : new LogLines(next, ProcessHandle.current().pid(), startMillis, ZoneId.systemDefault());
        needsCaller = next.needsCallerData();
        format = next;
    }

    LogFormat format() {
        return format;
    }

    /** True when the line prints the caller's file, line or method: the logging thread must then find it. */
    boolean needsCaller() {
        return needsCaller;
    }

    String render(LogEvent event) {
        LogLines l = lines;
        return l == null ? nativeLine.render(event) : l.render(event);
    }
}
