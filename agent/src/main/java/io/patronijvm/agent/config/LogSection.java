package io.patronijvm.agent.config;

import io.patronijvm.agent.logging.LogFormat;
import io.patronijvm.agent.logging.LogFormat.JsonField;
import io.patronijvm.core.config.ConfigValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The line format part of {@code log:} ({@code type}, {@code format}, {@code dateformat},
 * {@code static_fields}) as Patroni 3.3's {@code PatroniLogger} reads it: what it cannot use is
 * a warning naming the key and the fallback is Patroni's (the daemon starts, as Patroni's does).
 */
final class LogSection {

    static final Set<String> KEYS = Set.of("type", "format", "dateformat", "static_fields");
    private LogSection() {
    }

    static LogFormat read(Section log) {
        Object type = log.raw("type");
        Object format = log.raw("format");
        if (type == null && format == null) {
            return LogFormat.NATIVE; // our own line: Patroni's default would drop thread, member and cycle
        }
        boolean json = "json".equals(type);
        if (type != null && !json && !"plain".equals(type)) {
            log.problems().warning(log.pathOf("type"), "'" + type + "' is not one of plain, json; plain lines are written");
        }
        String dateFormat = dateFormat(log);
        if (!json) {
            return LogFormat.plain(plainFormat(log, format), dateFormat);
        }
        return LogFormat.json(jsonFields(log, format), dateFormat, staticFields(log));
    }

    private static String dateFormat(Section log) {
        Object v = log.raw("dateformat");
        if (v == null || "".equals(v)) {
            return null;
        }
        if (!(v instanceof String s)) {
            log.problems().warning(log.pathOf("dateformat"), "must be a string, found " + ConfigValues.describe(v)
                    + "; the default date format is used");
            return null;
        }
        return s;
    }

    private static String plainFormat(Section log, Object format) {
        if (format == null) {
            return LogFormat.PATRONI_DEFAULT;
        }
        if (!(format instanceof String s)) {
            log.problems().warning(log.pathOf("format"), "must be a string when log.type is plain, found "
                    + ConfigValues.describe(format) + "; '" + LogFormat.PATRONI_DEFAULT + "' is used");
            return LogFormat.PATRONI_DEFAULT;
        }
        if (!LogFormat.validPercentFormat(s)) {
            log.problems().warning(log.pathOf("format"), "'" + s + "' names no %(attribute)s field; '"
                    + LogFormat.PATRONI_DEFAULT + "' is used");
            return LogFormat.PATRONI_DEFAULT;
        }
        unknownAttributes(log, LogFormat.fieldsOf(s).stream().map(JsonField::attribute).toList());
        return s;
    }

    private static List<JsonField> jsonFields(Section log, Object format) {
        List<JsonField> fields = new ArrayList<>();
        if (format == null || format instanceof String) {
            fields.addAll(LogFormat.fieldsOf(format == null ? LogFormat.PATRONI_DEFAULT : (String) format));
        } else if (format instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                field(log, log.pathOf("format") + "[" + i + "]", items.get(i), fields);
            }
        } else {
            log.problems().warning(log.pathOf("format"), "must be a string or a list, found "
                    + ConfigValues.describe(format) + "; the fields of '" + LogFormat.PATRONI_DEFAULT + "' are used");
        }
        if (fields.isEmpty()) {
            fields.addAll(LogFormat.fieldsOf(LogFormat.PATRONI_DEFAULT));
        }
        unknownAttributes(log, fields.stream().map(JsonField::attribute).toList());
        return fields;
    }

    /** A list item: an attribute name, or {attribute: key} to print it under another key. */
    private static void field(Section log, String path, Object item, List<JsonField> out) {
        if (item instanceof String s) {
            out.add(new JsonField(s, s));
        } else if (item instanceof Map<?, ?> renames) {
            renames.forEach((attribute, key) -> {
                if (key instanceof String k) {
                    out.add(new JsonField(String.valueOf(attribute), k));
                } else {
                    log.problems().warning(path + "." + attribute, "the new name must be a string, found "
                            + ConfigValues.describe(key) + "; field left out");
                }
            });
        } else {
            log.problems().warning(path, "must be a string or a {field: name} map, found "
                    + ConfigValues.describe(item) + "; left out");
        }
    }

    private static Map<String, Object> staticFields(Section log) {
        Object v = log.raw("static_fields");
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            log.problems().warning(log.pathOf("static_fields"), "must be a map, found " + ConfigValues.describe(v)
                    + "; ignored");
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, value) -> out.put(String.valueOf(k), value));
        return out;
    }

    private static void unknownAttributes(Section log, List<String> attributes) {
        for (String a : attributes) {
            if (!LogFormat.isRecordAttribute(a)) {
                // Python's plain formatter fails such a line; we print it with None there
                log.problems().warning(log.pathOf("format"), "'" + a + "' is not an attribute of a log record; "
                        + "printed as None (null in JSON)");
            }
        }
    }
}
