package io.patronijvm.agent.ctl;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Python's {@code str()} of the values patronictl prints in table cells and TSV. */
final class Py {

    private Py() {
    }

    static String str(Object v) {
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

    /** {@code repr(float)}: the shortest form that reads back, with {@code .0} on whole numbers. */
    static String floatRepr(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return new BigDecimal(d).toPlainString() + ".0";
        }
        String s = Double.toString(d);
        if (s.contains("E")) {
            String[] parts = s.split("E");
            int exp = Integer.parseInt(parts[1]);
            String mantissa = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
            return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        return s;
    }
}
