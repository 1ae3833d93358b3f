package io.patronijvm.restapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patroni's {@code patch_config}: recursive merge where {@code null} deletes a key and scalars are
 * compared as Python's {@code str()} would show them. Works on deep copies; inputs are never mutated.
 */
final class ConfigPatch {

    private ConfigPatch() {
    }

    /** A mutable deep copy of a JSON-shaped map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> m ? deepCopy((Map<String, Object>) m) : v));
        return out;
    }

    /** Applies {@code patch} to {@code config} in place; true when anything changed. */
    @SuppressWarnings("unchecked")
    static boolean apply(Map<String, Object> config, Map<String, Object> patch) {
        boolean changed = false;
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (value == null) {
                if (config.remove(key) != null) {
                    changed = true;
                }
            } else if (config.containsKey(key)) {
                Object old = config.get(key);
                if (value instanceof Map<?, ?> vm && old instanceof Map<?, ?> om) {
                    Map<String, Object> nested = deepCopy((Map<String, Object>) om);
                    if (apply(nested, (Map<String, Object>) vm)) {
                        config.put(key, nested);
                        changed = true;
                    }
                } else if (value instanceof Map<?, ?> || !pyStr(old).equals(pyStr(value))) {
                    config.put(key, value instanceof Map<?, ?> vm2 ? withoutNulls((Map<String, Object>) vm2) : value);
                    changed = true;
                }
            } else {
                config.put(key, value instanceof Map<?, ?> vm ? withoutNulls((Map<String, Object>) vm) : value);
                changed = true;
            }
        }
        return changed;
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> in) {
        Map<String, Object> out = new LinkedHashMap<>();
        apply(out, in);
        return out;
    }

    /** Python's str() for JSON scalars, which is how Patroni decides whether a value changed. */
    static String pyStr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof List<?> list) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(list.get(i) instanceof String s ? "'" + s + "'" : pyStr(list.get(i)));
            }
            return sb.append(']').toString();
        }
        return v.toString();
    }
}
