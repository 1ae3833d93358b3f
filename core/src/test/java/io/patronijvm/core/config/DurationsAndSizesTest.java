package io.patronijvm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsAndSizesTest {

    @ParameterizedTest
    @CsvSource({"10s, 10000", "1min, 60000", "300ms, 300", "2h, 7200000", "1d, 86400000", "5, 5000", "1.5s, 1500",
            "'  7 s ', 7000"})
    void parsesDurations(String text, long millis) {
        assertThat(Durations.parse(text, ChronoUnit.SECONDS)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void bareNumbersUseTheDefaultUnit() {
        assertThat(Durations.parse(60, ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse(250, ChronoUnit.MILLIS)).isEqualTo(Duration.ofMillis(250));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1MB", "ten", "-5s", "", "5 parsecs"})
    void rejectsBadDurationsWithAnExplanation(String text) {
        assertThatThrownBy(() -> Durations.parse(text, ChronoUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "''" : text.trim().replace("-", ""));
    }

    @ParameterizedTest
    @CsvSource({"128MB, 134217728", "1GB, 1073741824", "8kB, 8192", "100, 100", "1TB, 1099511627776", "2b, 2"})
    void parsesSizes(String text, long bytes) {
        assertThat(Sizes.parse(text, 1)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10s", "big", "-1MB"})
    void rejectsBadSizes(String text) {
        assertThatThrownBy(() -> Sizes.parse(text, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void looksLikeSizeRecognisesUnits() {
        assertThat(Sizes.looksLikeSize("1MB")).isTrue();
        assertThat(Sizes.looksLikeSize("10s")).isFalse();
        assertThat(Sizes.looksLikeSize(5)).isFalse();
    }

    @Test
    void booleansAcceptPatroniSpellings() {
        assertThat(ConfigValues.bool("on")).contains(true);
        assertThat(ConfigValues.bool("OFF")).contains(false);
        assertThat(ConfigValues.bool("yes")).contains(true);
        assertThat(ConfigValues.bool("maybe")).isEmpty();
        assertThat(ConfigValues.integer("30")).contains(30L);
        assertThat(ConfigValues.integer(30.0)).contains(30L);
        assertThat(ConfigValues.integer("1MB")).isEmpty();
        assertThat(ConfigValues.integer(true)).isEmpty();
    }
}
