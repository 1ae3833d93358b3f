package io.patronijvm.agent.logging;

import io.patronijvm.agent.ctl.Py;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Python {@code %}-style mapping format as {@code logging.Formatter} reads {@code log.format}
 * ({@code "%(asctime)s %(levelname)-8s: %(message)s"}): each {@code %(key)} with its flags, width,
 * precision and conversion ({@code s r d i f}; others print as {@code s}), and {@code %%}.
 */
final class PyPercentFormat {

    private static final Pattern SPEC = Pattern.compile("%\\((\\w+)\\)([#0+ -]*)(\\d+)?(?:\\.(\\d+))?[hlL]?([diouxXeEfFgGcrsa])");
    /** What Python checks before it accepts a %-style logging format: at least one field. */
    private static final Pattern VALID = Pattern.compile("%\\(\\w+\\)[#0+ -]*(\\*|\\d+)?(\\.(\\*|\\d+))?[diouxefgcrsa%]",
            Pattern.CASE_INSENSITIVE);

    private sealed interface Part permits Literal, Field {
    }

    private record Literal(String text) implements Part {
    }

    private record Field(String key, String flags, Integer width, Integer precision, char conversion) implements Part {
    }

    private final List<Part> parts;
    private final List<String> keys;

    private PyPercentFormat(List<Part> parts) {
        this.parts = List.copyOf(parts);
        this.keys = parts.stream().filter(p -> p instanceof Field).map(p -> ((Field) p).key()).distinct().toList();
    }

    /** True when Python's {@code logging.Formatter} would accept {@code format}. */
    static boolean valid(String format) {
        return VALID.matcher(format).find();
    }

    static PyPercentFormat parse(String format) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        Matcher m = SPEC.matcher(format);
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < format.length() && format.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
            } else if (c == '%' && m.find(i) && m.start() == i) {
                if (!literal.isEmpty()) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Field(m.group(1), m.group(2), m.group(3) == null ? null : Integer.valueOf(m.group(3)),
                        m.group(4) == null ? null : Integer.valueOf(m.group(4)), m.group(5).charAt(0)));
                i = m.end();
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new PyPercentFormat(parts);
    }

    /** The record attributes the format names, in order of first use. */
    List<String> keys() {
        return keys;
    }

    String render(Function<String, Object> attributes) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Literal l) {
                out.append(l.text());
            } else {
                Field f = (Field) p;
                out.append(field(f, attributes.apply(f.key())));
            }
        }
        return out.toString();
    }

    private static String field(Field f, Object v) {
        String text;
        boolean numeric = false;
        switch (f.conversion()) {
            case 'd', 'i', 'u' -> {
                if (v instanceof Number n) {
                    text = Long.toString(n.longValue());
                    numeric = true;
                } else {
                    text = Py.str(v);
                }
            }
            case 'f', 'F' -> {
                if (v instanceof Number n) {
                    text = String.format(Locale.ROOT, "%." + (f.precision() == null ? 6 : f.precision()) + "f", n.doubleValue());
                    numeric = true;
                } else {
                    text = Py.str(v);
                }
            }
            case 'r' -> text = v instanceof String s ? "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'" : Py.str(v);
            default -> {
                text = Py.str(v);
                if (f.precision() != null && text.length() > f.precision()) {
                    text = text.substring(0, f.precision());
                }
            }
        }
        if (f.width() == null || text.length() >= f.width()) {
            return text;
        }
        String pad = " ".repeat(f.width() - text.length());
        if (f.flags().contains("-")) {
            return text + pad;
        }
        if (numeric && f.flags().contains("0")) {
            boolean negative = text.startsWith("-");
            String digits = negative ? text.substring(1) : text;
            return (negative ? "-" : "") + "0".repeat(f.width() - text.length()) + digits;
        }
        return pad + text;
    }
}
