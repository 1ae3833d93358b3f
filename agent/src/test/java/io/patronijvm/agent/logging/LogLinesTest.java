package io.patronijvm.agent.logging;

import io.patronijvm.agent.ctl.Py;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines as Patroni 3.3.1 prints the same record with the same {@code log:} section. Each
 * expected line was printed by Patroni 3.3.1's own {@code PatroniLogger} (patroni/log.py of tag
 * v3.3.1) with python-json-logger, for a record with these values (created 1796140652.793, TZ UTC,
 * pid 4242, thread ha-loop, relativeCreated 1500 ms).
 */
class LogLinesTest {

    private static final long TS = 1_796_140_652_793L;
    private static final String MESSAGE = "no action. I am (node1), the leader \"x\" \u00e9\ttab";
    private static final String LOGGER = "io.patronijvm.agent.ha.HaLoop";

    private static LogEvent event(Level level, String message, Throwable t) {
        return new LogEvent(TS, level, LOGGER, "ha-loop", message, t, null, null, null);
    }

    private static String line(LogFormat f) {
        return new LogLines(f, 4242, TS - 1500, ZoneId.of("UTC")).render(event(Level.WARNING, MESSAGE, null));
    }

    @Test
    void jsonWithAListOfFieldsARenameADateFormatAndStaticFields() {
        Map<String, Object> statics = new LinkedHashMap<>();
        statics.put("app", "patroni");
        statics.put("n", 1);
        statics.put("f", 1.5);
        statics.put("ok", true);
        statics.put("tags", List.of("a", "b"));
        LogFormat f = LogFormat.json(List.of(j("asctime"), j("levelname"), new LogFormat.JsonField("message", "msg"),
                j("name"), j("threadName"), j("process"), j("levelno"), j("msecs"), j("created")),
                "%Y-%m-%dT%H:%M:%S%z", statics);
        assertThat(line(f)).isEqualTo("{\"asctime\": \"2026-12-01T15:57:32+0000\", \"levelname\": \"WARNING\", "
                + "\"msg\": \"no action. I am (node1), the leader \\\"x\\\" \\u00e9\\ttab\", \"name\": "
                + "\"io.patronijvm.agent.ha.HaLoop\", \"threadName\": \"ha-loop\", \"process\": 4242, \"levelno\": 30, "
                + "\"msecs\": 793.0, \"created\": 1796140652.793, \"app\": \"patroni\", \"n\": 1, \"f\": 1.5, "
                + "\"ok\": true, \"tags\": [\"a\", \"b\"]}\n");
    }

    @Test
    void jsonDefaultsToTheFieldsOfPythonsDefaultLine() {
        LogFormat f = LogFormat.json(LogFormat.fieldsOf(LogFormat.PATRONI_DEFAULT), null, Map.of());
        assertThat(line(f)).isEqualTo("{\"asctime\": \"2026-12-01 15:57:32,793\", \"levelname\": \"WARNING\", "
                + "\"message\": \"no action. I am (node1), the leader \\\"x\\\" \\u00e9\\ttab\"}\n");
    }

    @Test
    void jsonFromAStringFormatPrintsAnUnknownFieldAsNull() {
        LogFormat f = LogFormat.json(LogFormat.fieldsOf("%(asctime)s %(levelname)s %(message)s %(nosuch)s"), null, Map.of());
        assertThat(line(f)).isEqualTo("{\"asctime\": \"2026-12-01 15:57:32,793\", \"levelname\": \"WARNING\", "
                + "\"message\": \"no action. I am (node1), the leader \\\"x\\\" \\u00e9\\ttab\", \"nosuch\": null}\n");
        LogFormat renamed = LogFormat.json(List.of(new LogFormat.JsonField("levelname", "level"), j("message")), null, Map.of());
        assertThat(line(renamed)).isEqualTo("{\"level\": \"WARNING\", "
                + "\"message\": \"no action. I am (node1), the leader \\\"x\\\" \\u00e9\\ttab\"}\n");
    }

    @Test
    void plainLinesFollowPythonsPercentFormatting() {
        assertThat(line(LogFormat.plain(LogFormat.PATRONI_DEFAULT, null)))
                .isEqualTo("2026-12-01 15:57:32,793 WARNING: " + MESSAGE + "\n");
        assertThat(line(LogFormat.plain("%(levelname)-8s|%(name)s [%(threadName)s] %(message)s %(levelno)d "
                + "%(process)5d %(asctime)s %%", "%H:%M %a %b %j %p %y %e")))
                .isEqualTo("WARNING |io.patronijvm.agent.ha.HaLoop [ha-loop] " + MESSAGE + " 30  4242 15:57 Tue Dec 335 PM 26  1 %\n");
        assertThat(line(LogFormat.plain("%(levelname).3s %(levelno)05d %(created)f %(msecs).1f %(name)r "
                + "%(relativeCreated)d|%(message)-6s|", null)))
                .isEqualTo("WAR 00030 1796140652.793000 793.0 'io.patronijvm.agent.ha.HaLoop' 1500|" + MESSAGE + "|\n");
    }

    @Test
    void anExceptionFollowsThePlainLineAndIsTheExcInfoKeyOfAJsonLine() {
        IllegalStateException boom = new IllegalStateException("boom");
        LogLines plain = new LogLines(LogFormat.plain(LogFormat.PATRONI_DEFAULT, null), 1, TS, ZoneId.of("UTC"));
        String p = plain.render(event(Level.SEVERE, "failed", boom));
        assertThat(p).startsWith("2026-12-01 15:57:32,793 ERROR: failed\njava.lang.IllegalStateException: boom\n")
                .contains("\tat io.patronijvm.agent.logging.LogLinesTest").endsWith("\n");
        LogLines json = new LogLines(LogFormat.json(LogFormat.fieldsOf(LogFormat.PATRONI_DEFAULT), null,
                Map.of("app", "x")), 1, TS, ZoneId.of("UTC"));
        String j = json.render(event(Level.SEVERE, "failed", boom));
        assertThat(j).startsWith("{\"asctime\": \"2026-12-01 15:57:32,793\", \"levelname\": \"ERROR\", \"message\": "
                + "\"failed\", \"app\": \"x\", \"exc_info\": \"java.lang.IllegalStateException: boom\\n\\tat ")
                .endsWith("\"}\n").doesNotContain("\n{");
        assertThat(j.indexOf('\n')).as("one line").isEqualTo(j.length() - 1);
    }

    @Test
    void floatsPrintAsPythonsRepr() {
        assertThat(Py.floatRepr(1796140652.793)).isEqualTo("1796140652.793");
        assertThat(Py.floatRepr(793.0)).isEqualTo("793.0");
        assertThat(Py.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(Py.floatRepr(1.5e16)).isEqualTo("1.5e+16");
        assertThat(Py.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(Py.floatRepr(0.00001)).isEqualTo("1e-05");
        assertThat(Py.floatRepr(-2.5)).isEqualTo("-2.5");
        assertThat(Py.floatRepr(123456789012345.6)).isEqualTo("123456789012345.6");
    }

    private static LogFormat.JsonField j(String name) {
        return new LogFormat.JsonField(name, name);
    }
}
