package io.patronijvm.agent.ctl;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/** {@code --scheduled} timestamps: ISO 8601 (a space for the T is fine), local time when no offset is given. */
final class Schedule {

    private static final DateTimeFormatter PARSER = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd").optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendPattern("HH:mm").optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0).parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .toFormatter();

    private Schedule() {
    }

    /** null for {@code now} (or nothing); else the moment, with the local offset when none was given. */
    static OffsetDateTime parse(String scheduled) throws CtlException {
        if (scheduled == null || scheduled.isBlank() || scheduled.trim().equals("now")) {
            return null;
        }
        try {
            TemporalAccessor t = PARSER.parse(scheduled.trim());
            LocalDateTime local = LocalDateTime.from(t);
            if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
                return OffsetDateTime.of(local, java.time.ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS)));
            }
            return local.atZone(ZoneId.systemDefault()).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            throw new CtlException("Unable to parse scheduled timestamp (" + scheduled
                    + "). It should be in an unambiguous format (e.g. ISO 8601)");
        }
    }

    /** The example in the "When should ... take place" question: an hour from now, to the minute. */
    static String nextHour() {
        return LocalDateTime.now().plusHours(1).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
    }
}
