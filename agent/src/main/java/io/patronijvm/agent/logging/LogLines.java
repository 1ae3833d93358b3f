package io.patronijvm.agent.logging;

import io.patronijvm.agent.ctl.PyJson;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders an event as Patroni 3.3 would print the same record with the same {@code log:}
 * section: {@code logging.Formatter} for {@code plain} (the traceback on the lines after the
 * message), python-json-logger's {@code JsonFormatter} for {@code json} (the attributes under
 * their keys, then {@code static_fields}, then {@code exc_info}; {@code json.dumps} spacing and
 * ASCII escapes).
 */
final class LogLines {

    private final LogFormat format;
    private final PyPercentFormat plain;
    private final long pid;
    private final long startMillis;
    private final ZoneId zone;

    LogLines(LogFormat format, long pid, long startMillis, ZoneId zone) {
        this.format = format;
        this.plain = format.json() ? null : PyPercentFormat.parse(format.plainFormat());
        this.pid = pid;
        this.startMillis = startMillis;
        this.zone = zone;
    }

    String render(LogEvent event) {
        PyLogRecord record = new PyLogRecord(event, pid, startMillis, format.dateFormat(), zone);
        String exception = record.exception();
        if (!format.json()) {
            String line = plain.render(record);
            if (exception != null) {
                line = (line.endsWith("\n") ? line : line + "\n") + exception;
            }
            return line + "\n";
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (LogFormat.JsonField f : format.jsonFields()) {
            out.put(f.key(), record.apply(f.attribute()));
        }
        out.putAll(format.staticFields());
        if (exception != null) {
            out.put("exc_info", exception);
        }
        return PyJson.dumps(out) + "\n";
    }
}
