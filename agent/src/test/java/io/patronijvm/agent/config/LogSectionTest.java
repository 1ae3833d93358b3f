package io.patronijvm.agent.config;

import io.patronijvm.agent.logging.LogFormat;
import io.patronijvm.agent.logging.LogFormat.JsonField;
import io.patronijvm.core.config.ConfigProblem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code log.type}, {@code log.format}, {@code log.dateformat}, {@code log.static_fields} as
 * Patroni 3.3's PatroniLogger reads them: what it cannot use is a warning, never a refusal to start
 * (Patroni falls back the same way), and Patroni 3.0.2's --validate-config accepts all of it.
 */
class LogSectionTest {

    private static LoadResult load(String log) {
        return TestConfigs.load(TestConfigs.MINIMAL + "log:\n" + log);
    }

    private static List<String> warnings(LoadResult r) {
        return r.warnings().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void withoutTypeAndFormatTheAgentsOwnLineStays() {
        assertThat(TestConfigs.load(TestConfigs.MINIMAL).loaded().logFormat()).isEqualTo(LogFormat.NATIVE);
        LoadResult r = load("  level: DEBUG\n  dateformat: '%H'\n");
        assertThat(r.loaded().logFormat()).isEqualTo(LogFormat.NATIVE);
        assertThat(warnings(r)).isEmpty();
    }

    @Test
    void jsonWithAListOfFieldsRenamesAndStaticFields() {
        LoadResult r = load("""
                  type: json
                  format:
                    - asctime
                    - levelname: level
                    - message
                  dateformat: '%Y-%m-%dT%H:%M:%S%z'
                  static_fields:
                    app: patroni
                    dc: 2
                """);
        assertThat(r.valid()).isTrue();
        assertThat(warnings(r)).isEmpty();
        assertThat(r.loaded().logFormat()).isEqualTo(LogFormat.json(List.of(new JsonField("asctime", "asctime"),
                new JsonField("levelname", "level"), new JsonField("message", "message")), "%Y-%m-%dT%H:%M:%S%z",
                Map.of("app", "patroni", "dc", 2)));
    }

    @Test
    void jsonFromAStringAndFromNothingTakesTheNamedFields() {
        assertThat(load("  type: json\n  format: '%(asctime)s %(name)s: %(message)s'\n").loaded().logFormat().jsonFields())
                .extracting(JsonField::key).containsExactly("asctime", "name", "message");
        assertThat(load("  type: json\n").loaded().logFormat().jsonFields())
                .extracting(JsonField::key).containsExactly("asctime", "levelname", "message");
    }

    @Test
    void whatPatroniCannotUseIsAWarningWithPatronisFallback() {
        LoadResult r = load("""
                  type: json
                  format:
                    - 5
                    - levelname: 3
                  dateformat: 7
                  static_fields: [a]
                """);
        assertThat(r.valid()).isTrue();
        assertThat(warnings(r)).anySatisfy(w -> assertThat(w).contains("log.format[0]").contains("left out"))
                .anySatisfy(w -> assertThat(w).contains("log.format[1].levelname").contains("must be a string"))
                .anySatisfy(w -> assertThat(w).contains("log.dateformat"))
                .anySatisfy(w -> assertThat(w).contains("log.static_fields").contains("must be a map"));
        LogFormat f = r.loaded().logFormat();
        assertThat(f.jsonFields()).extracting(JsonField::key).containsExactly("asctime", "levelname", "message");
        assertThat(f.dateFormat()).isNull();
        assertThat(f.staticFields()).isEmpty();

        LoadResult plain = load("  type: plain\n  format: [levelname]\n");
        assertThat(plain.loaded().logFormat()).isEqualTo(LogFormat.plain(LogFormat.PATRONI_DEFAULT, null));
        assertThat(warnings(plain)).anySatisfy(w -> assertThat(w).contains("log.format").contains("plain"));

        LoadResult odd = load("  type: xml\n  format: 'no fields here'\n");
        assertThat(odd.loaded().logFormat()).isEqualTo(LogFormat.plain(LogFormat.PATRONI_DEFAULT, null));
        assertThat(warnings(odd)).anySatisfy(w -> assertThat(w).contains("log.type").contains("'xml'"))
                .anySatisfy(w -> assertThat(w).contains("log.format").contains("names no %(attribute)s field"));

        LoadResult unknown = load("  format: '%(asctime)s %(color)s %(message)s'\n");
        assertThat(unknown.loaded().logFormat().plainFormat()).isEqualTo("%(asctime)s %(color)s %(message)s");
        assertThat(warnings(unknown)).anySatisfy(w -> assertThat(w).contains("'color' is not an attribute"));
    }

    @Test
    void theEnvironmentSetsTheFormatAsPatroniDoes() {
        LoadResult r = TestConfigs.load(TestConfigs.MINIMAL, Map.of("PATRONI_LOG_TYPE", "json",
                "PATRONI_LOG_FORMAT", "%(levelname)s %(message)s", "PATRONI_LOG_STATIC_FIELDS", "{app: x}"));
        assertThat(r.loaded().logFormat()).isEqualTo(LogFormat.json(List.of(new JsonField("levelname", "levelname"),
                new JsonField("message", "message")), null, Map.of("app", "x")));
        // Patroni 3.3: a format naming no %(field) is a list of fields
        LoadResult list = TestConfigs.load(TestConfigs.MINIMAL, Map.of("PATRONI_LOG_TYPE", "json",
                "PATRONI_LOG_FORMAT", "asctime, {levelname: level}, message"));
        assertThat(list.loaded().logFormat().jsonFields()).containsExactly(new JsonField("asctime", "asctime"),
                new JsonField("levelname", "level"), new JsonField("message", "message"));
    }

    @Test
    void unsupportedLogKeysAreStillNamed() {
        assertThat(warnings(load("  type: json\n  dir: /var/log/patroni\n")))
                .anySatisfy(w -> assertThat(w).contains("log.dir").contains("not supported"))
                .noneSatisfy(w -> assertThat(w).contains("log.type"));
    }
}
