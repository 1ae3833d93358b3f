package io.patronijvm.restapi;

import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes responses the way spec decision 5 asks: HTTP/1.1 with an exact Content-Length,
 * Patroni's content types (text/html for messages, application/json, text/plain for metrics),
 * and status-only answers with an empty body.
 */
final class Reply {

    /**
     * Plain maps, lists, strings, numbers and booleans to JSON and back with jackson-jr (immutable,
     * shared by every handler), written byte for byte as databind's ObjectMapper wrote them: the
     * same jackson-core generator, null values kept, key order kept. Beans are refused rather
     * than introspected, so a value of an unexpected type fails loudly instead of changing shape.
     */
    static final JSON JSON_VALUES = JSON.builder()
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.FAIL_ON_UNKNOWN_TYPE_WRITE)
            .disable(JSON.Feature.USE_DEFERRED_MAPS, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS,
                    JSON.Feature.HANDLE_JAVA_BEANS)
            .build();

    private Reply() {
    }

    static void text(RestExchange ctx, int status, String message) {
        bytes(ctx, status, "text/html", message.getBytes(StandardCharsets.UTF_8));
    }

    static void json(RestExchange ctx, int status, Object body) {
        byte[] out;
        try {
            out = JSON_VALUES.asBytes(body);
        } catch (IOException e) {
            // Our own maps of plain values always serialise; this would be a programming error.
            throw new IllegalStateException("cannot serialise response", e);
        }
        bytes(ctx, status, "application/json", out);
    }

    static void bytes(RestExchange ctx, int status, String contentType, byte[] body) {
        // The server adapter sends the exact Content-Length.
        ctx.reply(status, contentType, body);
    }

    /** HEAD, OPTIONS, liveness and readiness: the code tells everything (spec 1.1). */
    static void statusOnly(RestExchange ctx, int status) {
        ctx.statusOnly(status);
    }
}
