package io.patronijvm.dcs.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import io.patronijvm.core.dcs.wire.JsonView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JSON of the etcd gateway: keys and values travel base64-encoded, 64-bit numbers (revisions,
 * lease ids) as decimal strings. Values are Patroni's compact JSON ({@code separators=(',', ':')}).
 */
final class EtcdJson {

    /**
     * Plain maps, lists, strings, numbers and booleans with jackson-jr, written as databind's
     * ObjectMapper wrote them (same jackson-core generator, null values and key order kept) and
     * decoded to the same values (insertion-ordered maps, Integer/Long/BigInteger, Double, the
     * last of duplicate keys). Beans are refused rather than guessed at.
     */
    static final JSON JSON_VALUES = JSON.builder()
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.FAIL_ON_UNKNOWN_TYPE_WRITE)
            .disable(JSON.Feature.USE_DEFERRED_MAPS, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS,
                    JSON.Feature.HANDLE_JAVA_BEANS)
            .build();

    private EtcdJson() {
    }

    /** A request body: {@code keyValues} are field, value, field, value ... in the order sent. */
    static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String unb64(String base64) {
        return base64 == null || base64.isEmpty() ? ""
                : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** The end of the range of every key that starts with {@code prefix} (etcd's prefix convention). */
    static String prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if ((b[i] & 0xff) < 0xff) {
                b[i]++;
                byte[] out = java.util.Arrays.copyOf(b, i + 1);
                return Base64.getEncoder().encodeToString(out);
            }
        }
        return Base64.getEncoder().encodeToString(new byte[] {0});
    }

    /** A 64-bit field that the gateway writes as a string (or a number); 0 when absent. */
    static long int64(JsonView n, String field) {
        JsonView v = n.path(field);
        if (v.isNumber()) {
            return v.asLong(0);
        }
        String s = v.asText("");
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String compact(Object value) {
        try {
            return JSON_VALUES.asString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** Decodes to plain maps/lists/strings/numbers; empty when the text is not JSON. */
    static Optional<Object> decode(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(parse(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** An answer we pick fields from; a blank text is a view of nothing (as databind's tree was), not JSON throws. */
    static JsonView tree(String text) throws JsonProcessingException {
        return text == null || text.isBlank() ? JsonView.missing() : JsonView.of(parse(text));
    }

    private static Object parse(String text) throws JsonProcessingException {
        try {
            return JSON_VALUES.anyFrom(text);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail with I/O", e);
        }
    }
}
