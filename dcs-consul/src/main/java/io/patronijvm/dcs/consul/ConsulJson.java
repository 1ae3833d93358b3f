package io.patronijvm.dcs.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import io.patronijvm.core.dcs.wire.JsonView;

import java.io.IOException;
import java.util.Optional;

/** JSON as Patroni writes it: compact ({@code separators=(',', ':')}), key order kept. */
final class ConsulJson {

    /**
     * Plain maps, lists, strings, numbers and booleans with jackson-jr: the bytes databind's
     * ObjectMapper wrote (same jackson-core generator, null values kept, key order kept), which
     * Patroni and patronictl read back. Beans are refused rather than guessed at.
     */
    static final JSON WRITER = JSON.builder()
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.FAIL_ON_UNKNOWN_TYPE_WRITE)
            .disable(JSON.Feature.HANDLE_JAVA_BEANS)
            .build();

    private ConsulJson() {
    }

    static String compact(Object value) {
        try {
            return WRITER.asString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** Decodes to plain maps/lists/strings/numbers; empty when the text is not JSON. */
    static Optional<Object> decode(String text) {
        return JsonValues.decode(text);
    }

    /** A Consul answer we pick fields from: blank is a view of nothing (as databind's tree was), not JSON throws. */
    static JsonView view(String text) throws JsonProcessingException {
        return text == null || text.isBlank() ? JsonView.missing() : JsonView.of(JsonValues.parse(text));
    }
}
