package io.patronijvm.core.time;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class IsoTimesTest {

    /** What Python's datetime.isoformat() prints for the same instant and offset. */
    @ParameterizedTest
    @CsvSource({"2026-12-01T10:05Z, 2026-12-01T10:05:00+00:00",
            "2026-12-01T10:05:07.5+02:00, 2026-12-01T10:05:07.500000+02:00",
            "2026-12-01T10:05:07.000000900-05:30, 2026-12-01T10:05:07-05:30"})
    void formatsLikePython(String in, String expected) {
        assertThat(IsoTimes.python(OffsetDateTime.parse(in))).isEqualTo(expected);
    }
}
