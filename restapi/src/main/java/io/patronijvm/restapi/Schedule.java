package io.patronijvm.restapi;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Patroni's {@code parse_schedule} for scheduled restarts and switchovers: a timestamp with a
 * time zone (400 without one), in the future (422 in the past), parsable (422 otherwise).
 */
final class Schedule {

    private static final DateTimeFormatter WITH_ZONE = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd[' ']['T']HH:mm[:ss]")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter();

    private Schedule() {
    }

    static OffsetDateTime parse(Object value, String action, Instant now) {
        if (!(value instanceof String text) || text.isBlank() || text.length() > 64) {
            throw unparsable();
        }
        String t = text.strip();
        OffsetDateTime at;
        try {
            at = OffsetDateTime.parse(t, WITH_ZONE);
        } catch (DateTimeParseException e) {
            if (isLocal(t)) {
                throw new HttpError(400, "Timezone information is mandatory for the scheduled " + action);
            }
            throw unparsable();
        }
        if (at.toInstant().isBefore(now)) {
            throw new HttpError(422, "Cannot schedule " + action + " in the past");
        }
        return at;
    }

    private static boolean isLocal(String t) {
        try {
            LocalDateTime.parse(t, WITH_ZONE);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static HttpError unparsable() {
        return new HttpError(422,
                "Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601");
    }
}
