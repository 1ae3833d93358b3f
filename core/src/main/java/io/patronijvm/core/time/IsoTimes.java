package io.patronijvm.core.time;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Timestamps written the way Patroni (Python's {@code datetime.isoformat()}) writes them. */
public final class IsoTimes {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx");

    private IsoTimes() {
    }

    /**
     * {@code 2026-12-01T10:05:00+00:00}: seconds always, microseconds only when non-zero, the
     * offset as {@code +HH:MM} (never {@code Z}), so Patroni's tools and ours print the same text.
     */
    public static String python(OffsetDateTime t) {
        DateTimeFormatter body = t.getNano() / 1000 == 0 ? SECONDS : MICROS;
        return body.format(t) + OFFSET.format(t);
    }
}
