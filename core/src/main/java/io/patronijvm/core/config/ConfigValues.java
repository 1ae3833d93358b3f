package io.patronijvm.core.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * Lenient scalar conversions shared by the local and the dynamic config parsers. YAML 1.2 (our
 * parser) reads {@code on}/{@code yes} as strings where Patroni's YAML 1.1 reads booleans, so
 * those spellings are accepted here.
 */
public final class ConfigValues {

    private ConfigValues() {
    }

    /** Patroni's {@code parse_bool}: true/false, on/off, yes/no, 1/0 (any case). Empty when not a boolean. */
    public static Optional<Boolean> bool(Object v) {
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof Number n && (n.longValue() == 0 || n.longValue() == 1) && n.doubleValue() == n.longValue()) {
            return Optional.of(n.longValue() == 1);
        }
        if (v instanceof String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "on", "yes", "1", "y", "t" -> Optional.of(true);
                case "false", "off", "no", "0", "n", "f" -> Optional.of(false);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    /**
     * Python's truthiness, which Patroni applies to flags such as {@code no_leader},
     * {@code no_params} and {@code keep_data}: any non-empty string (even "false"), any non-zero
     * number, true, a non-empty list or map.
     */
    public static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof java.util.Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof java.util.Map<?, ?> m) {
            return !m.isEmpty();
        }
        return !v.toString().isEmpty();
    }

    /** An integral number or a numeric string ({@code "30"}, {@code "30.0"}); empty otherwise. */
    public static Optional<Long> integer(Object v) {
        if (v instanceof Boolean || v == null) {
            return Optional.empty();
        }
        String text = v instanceof Number ? v.toString() : v.toString().trim();
        try {
            BigDecimal d = new BigDecimal(text);
            return Optional.of(d.longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            try {
                BigDecimal d = new BigDecimal(text).stripTrailingZeros();
                return Optional.of(d.longValueExact());
            } catch (NumberFormatException | ArithmeticException e2) {
                return Optional.empty();
            }
        }
    }

    /** A short description of a value's type for messages ("a list", "a map", "text"). */
    public static String describe(Object v) {
        if (v == null) {
            return "empty";
        }
        if (v instanceof java.util.Map) {
            return "a map";
        }
        if (v instanceof java.util.List) {
            return "a list";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return "text '" + v + "'";
    }
}
