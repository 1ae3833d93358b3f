package io.patronijvm.agent.logging;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The agent's own line ({@link LogFormat#NATIVE}): local time to the millisecond, level, thread,
 * member and HA cycle (MDC, {@code -} when unset), the logger's simple name, the message; an
 * exception's stack trace on the lines after it.
 * {@code 2026-12-01 22:10:05.123 INFO  [ha-loop] [node1#42] HaLoop: no action. ...}
 * The date part is built once per second (one line per second or fewer is the common case, a
 * burst of lines shares it).
 */
final class NativeLine {

    private final ZoneId zone;
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;

    NativeLine(ZoneId zone) {
        this.zone = zone;
    }

    synchronized String render(LogEvent e) {
        StringBuilder b = new StringBuilder(96 + e.message().length());
        long second = Math.floorDiv(e.millis(), 1000);
        if (second != cachedSecond) {
            cachedPrefix = datePrefix(second);
            cachedSecond = second;
        }
        b.append(cachedPrefix).append('.');
        pad(b, Math.floorMod(e.millis(), 1000), 3);
        String level = e.levelName();
        b.append(' ').append(level);
        b.repeat(' ', Math.max(0, 5 - level.length()));
        b.append(" [").append(e.thread()).append("] [").append(e.member() == null ? "-" : e.member()).append('#')
                .append(e.cycle() == null ? "-" : e.cycle()).append("] ");
        String logger = e.logger();
        b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ").append(e.message()).append('\n');
        String trace = e.stackTrace();
        if (trace != null) {
            b.append(trace);
        }
        return b.toString();
    }

    private String datePrefix(long second) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(second), zone);
        StringBuilder b = new StringBuilder(19);
        pad(b, t.getYear(), 4);
        b.append('-');
        pad(b, t.getMonthValue(), 2);
        b.append('-');
        pad(b, t.getDayOfMonth(), 2);
        b.append(' ');
        pad(b, t.getHour(), 2);
        b.append(':');
        pad(b, t.getMinute(), 2);
        b.append(':');
        pad(b, t.getSecond(), 2);
        return b.toString();
    }

    private static void pad(StringBuilder b, int value, int width) {
        String s = Integer.toString(value);
        b.repeat('0', Math.max(0, width - s.length())).append(s);
    }
}
