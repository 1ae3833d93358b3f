package io.patronijvm.restapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the JSON object body of an unsafe endpoint (spec 1.6): {@code Content-Length} required
 * unless the body is optional (411), at most {@link #MAX_BYTES} (413), valid JSON (400), an object
 * (400), and non-empty unless optional (400, as Patroni).
 */
final class JsonBody {

    static final int MAX_BYTES = 64 * 1024;

    /** Duplicate keys are an error; deeply nested arrays are cheap to send and expensive to parse: capped. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private JsonBody() {
    }

    static Map<String, Object> read(RestExchange ctx, boolean optional) {
        String lengthHeader = ctx.header("Content-Length");
        if (lengthHeader == null) {
            if (optional) {
                return new LinkedHashMap<>();
            }
            throw new HttpError(411, "Length Required");
        }
        long length;
        try {
            length = Long.parseLong(lengthHeader.strip());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "Bad request: invalid Content-Length");
        }
        if (length < 0) {
            throw new HttpError(400, "Bad request: invalid Content-Length");
        }
        if (length > MAX_BYTES) {
            throw new HttpError(413, "Request body larger than " + MAX_BYTES + " bytes");
        }
        if (length == 0 && optional) {
            return new LinkedHashMap<>();
        }
        byte[] raw = readExactly(ctx, (int) length);
        Object parsed;
        try (JsonParser p = FACTORY.createParser(raw)) {
            parsed = Reply.JSON_VALUES.anyFrom(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the JSON value");
            }
        } catch (IOException e) {
            throw new HttpError(400, "Bad request: body is not valid JSON");
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new HttpError(400, "Bad request: body must be a JSON object");
        }
        if (map.isEmpty() && !optional) {
            throw new HttpError(400, "Bad request: empty JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) map;
        return body;
    }

    private static byte[] readExactly(RestExchange ctx, int length) {
        try (InputStream in = ctx.body()) {
            byte[] raw = in.readNBytes(length);
            if (raw.length != length) {
                throw new HttpError(400, "Bad request: body shorter than Content-Length");
            }
            return raw;
        } catch (IOException e) {
            throw new HttpError(400, "Bad request: cannot read body");
        }
    }
}
