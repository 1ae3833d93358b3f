package io.patronijvm.pg;

/** PostgreSQL log sequence numbers: {@code 0/3000060} text to a 64-bit number and back. */
public final class Lsn {

    private Lsn() {
    }

    /** Parses {@code X/Y} (hex halves); throws IllegalArgumentException naming the text. */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("not an LSN: '" + text + "'");
        }
        try {
            long hi = Long.parseLong(t.substring(0, slash), 16);
            long lo = Long.parseLong(t.substring(slash + 1), 16);
            return (hi << 32) | lo;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an LSN: '" + text + "'", e);
        }
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
