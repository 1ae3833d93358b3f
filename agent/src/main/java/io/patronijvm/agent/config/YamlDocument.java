package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads YAML text into plain maps (string keys), lists and scalars. YAML 1.2 (core schema), so
 * {@code on} and {@code yes} stay strings where Patroni's YAML 1.1 reads booleans; the typed
 * readers accept them as booleans. Duplicate keys are refused with their line.
 */
final class YamlDocument {

    private YamlDocument() {
    }

    /** The parsed value, or the one problem (with line and column) that stopped the parser. */
    record Result(Object value, ConfigProblem problem) {
    }

    static Result parse(String text, String source) {
        // The core schema, as close to PyYAML as YAML 1.2 gets: ~ is null, True is a boolean, 0x1F a number.
        LoadSettings settings = LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(50).setSchema(new CoreSchema()).build();
        try {
            Object value = new Load(settings).loadFromString(text);
            return new Result(normalize(value), null);
        } catch (MarkedYamlEngineException e) {
            return new Result(null, ConfigProblem.error("", describe(e, source)));
        } catch (YamlEngineException e) {
            return new Result(null, ConfigProblem.error("", "malformed YAML in " + source + ": " + firstLine(e.getMessage())));
        }
    }

    private static String describe(MarkedYamlEngineException e, String source) {
        Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
        String where = mark.map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
        String what = e.getProblem() != null ? e.getProblem() : firstLine(e.getMessage());
        String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
        return "malformed YAML in " + source + where + ": " + what + context;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Map keys become strings ({@code 1: x} → {@code "1"}), recursively. */
    static Object normalize(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(normalize(v)));
            return out;
        }
        return value;
    }
}
