package io.patronijvm.agent.logging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How log lines look: the {@code log:} section's {@code type}, {@code format}, {@code dateformat}
 * and {@code static_fields} as Patroni 3.3 reads them, already checked ({@code LogSection}).
 * {@link #NATIVE} (no type and no format configured) keeps the console's own line (ConsoleLogConfigurator), which carries
 * the thread, member and HA cycle that Patroni's default line lacks.
 *
 * @param json         {@code type: json}: one JSON object per line (python-json-logger's layout)
 * @param plainFormat  the Python %-style line of {@code type: plain}; null = {@link #NATIVE}'s line
 * @param jsonFields   {@code type: json}: the record attributes, each under its key, in order
 * @param dateFormat   strftime pattern of {@code asctime}; null = Python's {@code 2024-01-31 12:00:00,123}
 * @param staticFields added to every JSON line after the attributes
 */
public record LogFormat(boolean json, String plainFormat, List<JsonField> jsonFields, String dateFormat,
                        Map<String, Object> staticFields) {

    /** Python's {@code logging} default, which Patroni uses when {@code log.format} is not set. */
    public static final String PATRONI_DEFAULT = "%(asctime)s %(levelname)s: %(message)s";
    public static final LogFormat NATIVE = new LogFormat(false, null, List.of(), null, Map.of());

    /** One attribute of a JSON line: {@code levelname}, or {@code {levelname: level}} renamed. */
    public record JsonField(String attribute, String key) {
        public JsonField {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(key, "key");
        }

        // Written out for the reason given at LogFormat's equals.
        @Override
        public boolean equals(Object o) {
            return o instanceof JsonField f && attribute.equals(f.attribute) && key.equals(f.key);
        }

        @Override
        public int hashCode() {
            return 31 * attribute.hashCode() + key.hashCode();
        }
    }

    public LogFormat {
        jsonFields = List.copyOf(jsonFields);
        staticFields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(staticFields));
    }

    public static LogFormat plain(String format, String dateFormat) {
        return new LogFormat(false, format, List.of(), dateFormat, Map.of());
    }

    public static LogFormat json(List<JsonField> fields, String dateFormat, Map<String, Object> staticFields) {
        return new LogFormat(true, null, fields, dateFormat, staticFields);
    }

    /** The fields of a JSON line given as one %-style string, as python-json-logger reads it. */
    public static List<JsonField> fieldsOf(String percentFormat) {
        return PyPercentFormat.parse(percentFormat).keys().stream().map(k -> new JsonField(k, k)).toList();
    }

    /** True when Python's {@code logging.Formatter} accepts {@code format} (it names a field). */
    public static boolean validPercentFormat(String format) {
        return PyPercentFormat.valid(format);
    }

    /** A name of Python's {@code LogRecord} that a format may use. */
    public static boolean isRecordAttribute(String name) {
        return PyLogRecord.ATTRIBUTES.contains(name);
    }

    /*
     * Written out instead of the record's generated equals and hashCode: those bootstrap through
     * java.lang.runtime.ObjectMethods, whose call sites the AOT cache does not keep, so the first
     * comparison (every start compares the configured format with the console's) spun eight
     * method-handle classes on the main thread, 30-60 ms before the agent's first log line.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof LogFormat f && json == f.json && Objects.equals(plainFormat, f.plainFormat)
                && jsonFields.equals(f.jsonFields) && Objects.equals(dateFormat, f.dateFormat)
                && staticFields.equals(f.staticFields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(json, plainFormat, jsonFields, dateFormat, staticFields);
    }

    /** True when a line needs the caller's class, method or line (the logging thread must then find them). */
    public boolean needsCallerData() {
        List<String> keys = json ? jsonFields.stream().map(JsonField::attribute).toList()
                : plainFormat == null ? List.of() : PyPercentFormat.parse(plainFormat).keys();
        return keys.stream().anyMatch(PyLogRecord.CALLER::contains);
    }
}
