package io.patronijvm.core.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes as PostgreSQL writes them ({@code 128MB}, {@code 1GB}, {@code 8kB}; units
 * are powers of 1024, case-insensitive) or a plain number in a default unit.
 */
public final class Sizes {

    private static final Pattern WITH_UNIT = Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*$");

    private Sizes() {
    }

    /**
     * @param value           a Number or a String
     * @param defaultUnitBytes bytes per unit of a bare number (1 for bytes)
     * @throws IllegalArgumentException naming what is accepted
     */
    public static long parse(Object value, long defaultUnitBytes) {
        if (value instanceof Boolean || value == null) {
            throw invalid(value);
        }
        if (value instanceof Number n) {
            return toBytes(new BigDecimal(n.toString()), defaultUnitBytes, value);
        }
        Matcher m = WITH_UNIT.matcher(value.toString());
        if (!m.matches()) {
            throw invalid(value);
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "" -> defaultUnitBytes;
            case "b" -> 1L;
            case "k", "kb" -> 1L << 10;
            case "m", "mb" -> 1L << 20;
            case "g", "gb" -> 1L << 30;
            case "t", "tb" -> 1L << 40;
            default -> throw invalid(value);
        };
        return toBytes(new BigDecimal(m.group(1)), unit, value);
    }

    /** Whether {@code value} is a string with a size unit ({@code 1MB}), for helpful messages. */
    public static boolean looksLikeSize(Object value) {
        if (!(value instanceof String s)) {
            return false;
        }
        Matcher m = WITH_UNIT.matcher(s);
        return m.matches() && !m.group(2).isEmpty() && isSizeUnit(m.group(2));
    }

    private static boolean isSizeUnit(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "b", "kb", "mb", "gb", "tb" -> true;
            default -> false;
        };
    }

    private static long toBytes(BigDecimal amount, long unit, Object original) {
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("'" + original + "' is negative; a size must be 0 or more");
        }
        return amount.multiply(BigDecimal.valueOf(unit)).longValue();
    }

    private static IllegalArgumentException invalid(Object value) {
        return new IllegalArgumentException("'" + value + "' is not a size (write a number of bytes or a value such as 8kB, 128MB, 1GB)");
    }
}
