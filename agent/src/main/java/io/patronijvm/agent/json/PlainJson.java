package io.patronijvm.agent.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import io.patronijvm.core.dcs.wire.JsonView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The agent's JSON (peers' {@code /patroni}, {@code patroni.dynamic.json}, the failsafe body, ctl's
 * member calls): plain maps, lists, strings, numbers and booleans with jackson-jr on jackson-core,
 * instead of databind's ~490 classes. Written as databind's ObjectMapper wrote it (same generator,
 * null values and key order kept) and decoded to the same values (insertion-ordered maps,
 * Integer/Long/BigInteger, Double, the last of duplicate keys). Beans are refused, not guessed at.
 */
public final class PlainJson {

    private static final JSON VALUES = JSON.builder()
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.FAIL_ON_UNKNOWN_TYPE_WRITE)
            .disable(JSON.Feature.USE_DEFERRED_MAPS, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS,
                    JSON.Feature.HANDLE_JAVA_BEANS)
            .build();

    private PlainJson() {
    }

    /** Compact JSON of plain values; a value of another type is a programming error. */
    public static String write(Object value) {
        try {
            return VALUES.asString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** The decoded value (null for JSON's null); throws when the text is blank or not JSON. */
    public static Object read(String text) throws JsonProcessingException {
        try {
            return VALUES.anyFrom(text);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail with I/O", e);
        }
    }

    /** An answer we pick fields from: blank is a view of nothing (as databind's tree was), not JSON throws. */
    public static JsonView view(String text) throws JsonProcessingException {
        return text == null || text.isBlank() ? JsonView.missing() : JsonView.of(read(text));
    }

    /** A file holding one JSON object; IOException when unreadable, not JSON or not an object. */
    public static Map<String, Object> readObject(Path file) throws IOException {
        Object v = VALUES.anyFrom(Files.readAllBytes(file));
        if (!(v instanceof Map<?, ?> m)) {
            throw new IOException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) m;
        return object;
    }
}
