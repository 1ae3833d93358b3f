package io.patronijvm.dcs.consul;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler.KeyValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The answer of a recursive {@code GET /v1/kv/<prefix>} (a JSON array of entries with
 * {@code Key}, base64 {@code Value}, {@code Session}, {@code ModifyIndex}) as the keys under
 * {@code prefix}, read with the streaming parser: the agent's reads and {@code ctl}'s share it.
 */
final class ConsulKv {

    private ConsulKv() {
    }

    static List<KeyValue> parse(String body, String prefix) throws IOException {
        List<KeyValue> out = new ArrayList<>();
        try (JsonParser p = JsonValues.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array of keys");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.START_OBJECT; t = p.nextToken()) {
                KeyValue kv = entry(p, prefix);
                if (kv != null) {
                    out.add(kv);
                }
            }
        }
        return out;
    }

    private static KeyValue entry(JsonParser p, String prefix) throws IOException {
        String key = "";
        String value = null;
        String session = null;
        long modifyIndex = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "Key" -> key = v == JsonToken.VALUE_STRING ? p.getText() : "";
                case "Value" -> value = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "Session" -> session = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "ModifyIndex" -> modifyIndex = v.isNumeric() ? p.getLongValue() : 0;
                default -> p.skipChildren();
            }
        }
        if (!key.startsWith(prefix)) {
            return null;
        }
        String raw = value == null ? "" : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        return new KeyValue(key.substring(prefix.length()), JsonValues.decode(raw).orElse(null), raw, session,
                modifyIndex);
    }
}
