package io.patronijvm.dcs.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * JSON of the etcd gateway: keys and values travel base64-encoded, 64-bit numbers (revisions,
 * lease ids) as decimal strings. Values are Patroni's compact JSON ({@code separators=(',', ':')}).
 */
final class EtcdJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private EtcdJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
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
    static long int64(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isNumber()) {
            return v.asLong();
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
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Decodes to plain maps/lists/strings/numbers; empty when the text is not JSON. */
    static Optional<Object> decode(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(MAPPER.readValue(text, Object.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    static JsonNode tree(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }
}
