package io.patronijvm.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way operators write them in patroni.yml: a plain number in a default
 * unit, or a number with a PostgreSQL-style unit ({@code 300ms}, {@code 10s}, {@code 1min},
 * {@code 2h}, {@code 1d}; {@code m} is accepted for minutes).
 */
public final class Durations {

    private static final Pattern WITH_UNIT = Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*$");

    private Durations() {
    }

    /**
     * @param value       a Number or a String
     * @param defaultUnit unit of a bare number
     * @return the duration, never negative
     * @throws IllegalArgumentException with a message that says what is accepted
     */
    public static Duration parse(Object value, ChronoUnit defaultUnit) {
        if (value instanceof Boolean || value == null) {
            throw invalid(value);
        }
        if (value instanceof Number n) {
            return ofAmount(new BigDecimal(n.toString()), defaultUnit, value);
        }
        Matcher m = WITH_UNIT.matcher(value.toString());
        if (!m.matches()) {
            throw invalid(value);
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        ChronoUnit u = switch (unit) {
            case "" -> defaultUnit;
            case "us" -> ChronoUnit.MICROS;
            case "ms" -> ChronoUnit.MILLIS;
            case "s", "sec", "secs" -> ChronoUnit.SECONDS;
            case "m", "min", "mins" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            case "d" -> ChronoUnit.DAYS;
            default -> throw invalid(value);
        };
        return ofAmount(amount, u, value);
    }

    private static Duration ofAmount(BigDecimal amount, ChronoUnit unit, Object original) {
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("'" + original + "' is negative; a duration must be 0 or more");
        }
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(unit.getDuration().toNanos()));
        return Duration.ofNanos(nanos.longValue());
    }

    private static IllegalArgumentException invalid(Object value) {
        return new IllegalArgumentException("'" + value
                + "' is not a duration (write a number of seconds or a value such as 300ms, 10s, 1min, 2h)");
    }

    /** For messages: {@code 10s}, {@code 300ms}. */
    public static String format(Duration d) {
        if (d.toNanos() % 1_000_000_000L == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
