package io.patronijvm.core.status;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code lag} query parameter of the replica health checks (spec 1.4): bytes, or a
 * number with PostgreSQL's memory units {@code B kB MB GB TB}. Invalid or absent means "no
 * limit", because that is what Patroni does and HAProxy configurations depend on it.
 */
public final class LagLimit {

    public static final long NO_LIMIT = Long.MAX_VALUE;

    private static final Pattern FORMAT =
            Pattern.compile("([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*(B|kB|MB|GB|TB)?");
    private static final Map<String, Long> UNITS = Map.of(
            "B", 1L, "kB", 1L << 10, "MB", 1L << 20, "GB", 1L << 30, "TB", 1L << 40);

    private LagLimit() {
    }

    /** Bytes, or {@link #NO_LIMIT} for null, empty or unparsable text. */
    public static long parse(String text) {
        if (text == null) {
            return NO_LIMIT;
        }
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            return NO_LIMIT;
        }
        try {
            BigDecimal value = new BigDecimal(m.group(1));
            if (Math.abs(value.scale()) > 40) {
                // 1e-999999999 would make rounding compute a giant power of ten: refuse cheaply.
                return NO_LIMIT;
            }
            long unit = UNITS.get(m.group(2) == null ? "B" : m.group(2));
            BigDecimal bytes = value.multiply(BigDecimal.valueOf(unit));
            if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0) {
                return NO_LIMIT;
            }
            if (bytes.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) <= 0) {
                return Long.MIN_VALUE;
            }
            return bytes.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            // Exponents like 1e999999999 end here: not a usable limit, so none (Patroni's rule).
            return NO_LIMIT;
        }
    }
}
