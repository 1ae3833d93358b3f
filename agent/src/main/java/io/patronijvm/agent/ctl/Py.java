package io.patronijvm.agent.ctl;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Python's {@code str()} of the values patronictl prints in table cells and TSV. */
public final class Py {

    private Py() {
    }

    public static String str(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return PyJson.dumps(v).replace("\"", "'").replace("true", "True").replace("false", "False")
                    .replace("null", "None");
        }
        return v.toString();
    }

    /** {@code datetime.isoformat()}: microseconds only when non-zero, the offset as {@code +HH:MM}. */
    static String isoformat(java.time.OffsetDateTime t) {
        String base = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond());
        int micros = t.getNano() / 1000;
        if (micros != 0) {
            base += String.format(".%06d", micros);
        }
        int off = t.getOffset().getTotalSeconds();
        int abs = Math.abs(off);
        base += String.format("%s%02d:%02d", off < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
        return abs % 60 != 0 ? base + String.format(":%02d", abs % 60) : base;
    }

    /**
     * {@code repr(float)}: the shortest digits that read back, positional for decimal exponents
     * -4..15 (with {@code .0} on whole numbers), else {@code 1.5e+16} / {@code 1e-05}.
     */
    public static String floatRepr(double d) {
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        if (exp >= -4 && exp < 16) {
            String plain = b.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = b.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
}
