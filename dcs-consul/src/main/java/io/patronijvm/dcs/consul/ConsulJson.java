package io.patronijvm.dcs.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Optional;

/** JSON as Patroni writes it: compact ({@code separators=(',', ':')}), key order kept. */
final class ConsulJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ConsulJson() {
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
        return JsonValues.decode(text);
    }

    static JsonNode tree(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }
}
