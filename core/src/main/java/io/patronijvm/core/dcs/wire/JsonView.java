package io.patronijvm.core.dcs.wire;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A read-only, lenient view of already decoded JSON (plain maps, lists, strings, numbers,
 * booleans, null) for the answers we only pick a few fields from: a peer's {@code /patroni}, the
 * etcd gateway's replies, Consul's session and agent answers. The accessors behave as the tree
 * API the adapters used before (Jackson's {@code JsonNode}): a missing field is a view of
 * nothing, never an exception, and each {@code asX(default)} gives the default for a missing or
 * null value, so a peer that leaves a field out is read the same way as before.
 */
public final class JsonView implements Iterable<JsonView> {

    private static final JsonView MISSING = new JsonView(null, false);

    private final Object value;
    private final boolean present;

    private JsonView(Object value, boolean present) {
        this.value = value;
        this.present = present;
    }

    /** A view of {@code value}, the result of a JSON decode (null is JSON's null). */
    public static JsonView of(Object value) {
        return new JsonView(value, true);
    }

    /** A view of nothing, as a missing field gives. */
    public static JsonView missing() {
        return MISSING;
    }

    /** The field of an object, or a missing view (not an object, or no such field). */
    public JsonView path(String field) {
        if (value instanceof Map<?, ?> m && m.containsKey(field)) {
            return new JsonView(m.get(field), true);
        }
        return MISSING;
    }

    /** The element of an array, or a missing view. */
    public JsonView get(int index) {
        if (value instanceof List<?> l && index >= 0 && index < l.size()) {
            return new JsonView(l.get(index), true);
        }
        return MISSING;
    }

    /** True when the object has the field, null-valued or not. */
    public boolean has(String field) {
        return value instanceof Map<?, ?> m && m.containsKey(field);
    }

    public boolean isMissing() {
        return !present;
    }

    public boolean isNull() {
        return present && value == null;
    }

    public boolean isObject() {
        return value instanceof Map<?, ?>;
    }

    public boolean isArray() {
        return value instanceof List<?>;
    }

    public boolean isNumber() {
        return value instanceof Number;
    }

    /** Entries of an object or elements of an array; 0 for anything else. */
    public int size() {
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        return value instanceof List<?> l ? l.size() : 0;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The decoded value itself (a Map, List, String, Number, Boolean or null). */
    public Object value() {
        return value;
    }

    /** The object's fields (insertion order), or an empty map when this is not an object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> fields() {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A string as is, a number or boolean as its text, "" for an object or array; the default when missing or null. */
    public String asText(String dflt) {
        if (value == null) {
            return dflt;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return "";
        }
        return value.toString();
    }

    /** A number (truncated) or a numeric string; the default otherwise. */
    public long asLong(long dflt) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(s.strip());
                } catch (NumberFormatException notANumber) {
                    return dflt;
                }
            }
        }
        return dflt;
    }

    public int asInt(int dflt) {
        return (int) asLong(dflt);
    }

    /** A boolean, "true"/"false", or a number (non-zero is true); the default otherwise. */
    public boolean asBoolean(boolean dflt) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        if (value instanceof String s) {
            String t = s.strip();
            if (t.equals("true")) {
                return true;
            }
            if (t.equals("false")) {
                return false;
            }
        }
        return dflt;
    }

    /** The elements of an array or the values of an object, as views; nothing for a scalar. */
    @Override
    public Iterator<JsonView> iterator() {
        Iterable<?> items = value instanceof List<?> l ? l
                : value instanceof Map<?, ?> m ? m.values() : Collections.emptyList();
        Iterator<?> it = items.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public JsonView next() {
                return JsonView.of(it.next());
            }
        };
    }

    @Override
    public String toString() {
        return present ? String.valueOf(value) : "(missing)";
    }
}
