package io.patronijvm.agent.logging;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LogFormat's hand-written equality (the start compares the configured format with the
 * console's, and a reload compares the new one with the running one): equal formats are
 * equal whatever the collections they were built from, and any differing part makes them differ.
 */
class LogFormatTest {

    private static final List<LogFormat.JsonField> FIELDS = List.of(new LogFormat.JsonField("levelname", "level"),
            new LogFormat.JsonField("message", "message"));

    @Test
    void formatsBuiltFromEqualPartsAreEqualAndHashAlike() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("app", "patroni");
        LogFormat a = LogFormat.json(FIELDS, "%Y", fields);
        LogFormat b = LogFormat.json(new java.util.ArrayList<>(FIELDS), "%Y", Map.of("app", "patroni"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(LogFormat.plain(LogFormat.PATRONI_DEFAULT, null))
                .isEqualTo(LogFormat.plain(LogFormat.PATRONI_DEFAULT, null));
        assertThat(new LogFormat(false, null, List.of(), null, Map.of())).isEqualTo(LogFormat.NATIVE);
    }

    @Test
    void eachPartTakesPartInEquality() {
        LogFormat base = LogFormat.json(FIELDS, "%Y", Map.of("app", "patroni"));
        assertThat(base).isNotEqualTo(LogFormat.json(FIELDS.subList(0, 1), "%Y", Map.of("app", "patroni")));
        assertThat(base).isNotEqualTo(LogFormat.json(FIELDS, "%H", Map.of("app", "patroni")));
        assertThat(base).isNotEqualTo(LogFormat.json(FIELDS, "%Y", Map.of("app", "other")));
        assertThat(base).isNotEqualTo(LogFormat.json(FIELDS, null, Map.of("app", "patroni")));
        assertThat(LogFormat.plain("%(message)s", null)).isNotEqualTo(LogFormat.plain("%(levelname)s", null))
                .isNotEqualTo(LogFormat.NATIVE).isNotEqualTo(null);
        assertThat(new LogFormat.JsonField("message", "msg")).isNotEqualTo(new LogFormat.JsonField("message", "message"))
                .isEqualTo(new LogFormat.JsonField("message", "msg"));
        assertThat(new LogFormat(true, null, List.of(), null, Map.of()))
                .isNotEqualTo(new LogFormat(false, null, List.of(), null, Map.of()));
    }
}
