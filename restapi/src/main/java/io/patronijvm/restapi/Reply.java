package io.patronijvm.restapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;

/**
 * Writes responses the way spec decision 5 asks: HTTP/1.1 with an exact Content-Length,
 * Patroni's content types (text/html for messages, application/json, text/plain for metrics),
 * and status-only answers with an empty body.
 */
final class Reply {

    /** Thread-safe once configured; shared by every handler. */
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Reply() {
    }

    static void text(RestExchange ctx, int status, String message) {
        bytes(ctx, status, "text/html", message.getBytes(StandardCharsets.UTF_8));
    }

    static void json(RestExchange ctx, int status, Object body) {
        byte[] out;
        try {
            out = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
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
