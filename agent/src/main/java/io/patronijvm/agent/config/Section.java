package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigValues;
import io.patronijvm.core.config.Durations;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML map with its dotted path, read with typed accessors that report every problem (wrong
 * type, missing key, bad duration) under the exact path and return a safe fallback, so one load
 * reports all problems at once instead of stopping at the first.
 */
final class Section {

    private final String path;
    private final Map<String, Object> map;
    private final Problems problems;
    private final boolean wrongType;

    private Section(String path, Map<String, Object> map, Problems problems, boolean wrongType) {
        this.path = path;
        this.map = map;
        this.problems = problems;
        this.wrongType = wrongType;
    }

    static Section root(Map<String, Object> map, Problems problems) {
        return new Section("", map, problems, false);
    }

    /** {@code value} as a section; an absent value is an empty section, a non-map is a type error. */
    @SuppressWarnings("unchecked")
    static Section of(Object value, String path, Problems problems) {
        if (value == null) {
            return new Section(path, Map.of(), problems, false);
        }
        if (!(value instanceof Map<?, ?> m)) {
            problems.error(path, "must be a map of keys to values, found " + ConfigValues.describe(value));
            return new Section(path, Map.of(), problems, true);
        }
        return new Section(path, (Map<String, Object>) m, problems, false);
    }

    /** The value was not a map (already reported): skip the checks of its keys. */
    boolean wrongType() {
        return wrongType;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Problems problems() {
        return problems;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    boolean isEmpty() {
        return map.isEmpty();
    }

    Object raw(String key) {
        return map.get(key);
    }

    Set<String> keys() {
        return map.keySet();
    }

    Map<String, Object> asMap() {
        return map;
    }

    Section section(String key) {
        return of(map.get(key), pathOf(key), problems);
    }

    /** A scalar as text, or null when absent; maps and lists are type errors. */
    String string(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof List) {
            problems.error(pathOf(key), "must be a single value, found " + ConfigValues.describe(v));
            return null;
        }
        return v.toString();
    }

    String requiredString(String key) {
        String s = string(key);
        if (s == null && !(map.get(key) instanceof Map || map.get(key) instanceof List)) {
            problems.error(pathOf(key), "is required");
        } else if (s != null && s.isBlank()) {
            problems.error(pathOf(key), "must not be empty");
            return null;
        }
        return s;
    }

    boolean bool(String key, boolean def) {
        Boolean b = optionalBool(key);
        return b == null ? def : b;
    }

    Boolean optionalBool(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        Optional<Boolean> b = ConfigValues.bool(v);
        if (b.isEmpty()) {
            problems.error(pathOf(key), "must be true or false, found " + ConfigValues.describe(v));
            return null;
        }
        return b.get();
    }

    int integer(String key, int def, int min, int max) {
        Object v = map.get(key);
        if (v == null) {
            return def;
        }
        Optional<Long> n = ConfigValues.integer(v);
        if (n.isEmpty()) {
            problems.error(pathOf(key), "must be a whole number, found " + ConfigValues.describe(v));
            return def;
        }
        if (n.get() < min || n.get() > max) {
            problems.error(pathOf(key), n.get() + " is out of range " + min + ".." + max);
            return def;
        }
        return n.get().intValue();
    }

    Duration duration(String key, Duration def, ChronoUnit bareUnit) {
        Object v = map.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Durations.parse(v, bareUnit);
        } catch (IllegalArgumentException e) {
            problems.error(pathOf(key), e.getMessage());
            return def;
        }
    }

    /** A list of scalars; a single scalar counts as a one-element list. */
    List<String> stringList(String key) {
        Object v = map.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            if (v instanceof Map) {
                problems.error(pathOf(key), "must be a list, found " + ConfigValues.describe(v));
                return List.of();
            }
            return List.of(v.toString());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item == null || item instanceof Map || item instanceof List) {
                problems.error(pathOf(key) + "[" + i + "]", "must be a single value, found " + ConfigValues.describe(item));
            } else {
                out.add(item.toString());
            }
        }
        return out;
    }

    /** A list as is (items may be maps), or empty with a type error. */
    List<Object> list(String key) {
        Object v = map.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            problems.error(pathOf(key), "must be a list, found " + ConfigValues.describe(v));
            return List.of();
        }
        return new ArrayList<>(list);
    }

    /** A map of scalar values as text. */
    Map<String, String> stringMap(String key) {
        Section s = section(key);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : s.keys()) {
            String value = s.string(k);
            if (value != null) {
                out.put(k, value);
            }
        }
        return out;
    }

    /** A map kept as is (values of any type), or empty with a type error. */
    Map<String, Object> rawMap(String key) {
        return new LinkedHashMap<>(section(key).asMap());
    }

    void warnUnknown(Set<String> known) {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                problems.warning(pathOf(key), "unknown key, ignored");
            }
        }
    }
}
