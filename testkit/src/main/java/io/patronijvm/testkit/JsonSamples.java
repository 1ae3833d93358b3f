package io.patronijvm.testkit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Values and texts that exercise what must stay byte for byte the same when JSON moved from
 * Jackson databind to jackson-jr: key order, null values, number types and formatting (ints,
 * longs beyond 32 bits such as LSNs, BigInteger, doubles), unicode and control characters.
 * Each module's JSON test compares its writer and reader with databind on these.
 */
public final class JsonSamples {

    private JsonSamples() {
    }

    /** Values as the agent builds them (plain maps, lists and scalars). */
    public static List<Object> values() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", "running");
        status.put("role", "replica");
        status.put("server_version", 150004);
        Map<String, Object> xlog = new LinkedHashMap<>();
        xlog.put("received_location", 5_000_000_000L);
        xlog.put("replayed_location", 0L);
        xlog.put("replayed_timestamp", null);
        xlog.put("paused", false);
        status.put("xlog", xlog);
        status.put("tags", new LinkedHashMap<>(Map.of("nofailover", true)));
        status.put("dcs_last_seen", 1_764_620_000L);
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("max_connections", 100);
        pg.put("shared_buffers", "128MB");
        pg.put("checkpoint_completion_target", 0.9);
        pg.put("huge", new BigInteger("123456789012345678901234567890"));
        pg.put("tiny", 1.0e-7);
        pg.put("big", 1.0e21);
        pg.put("whole", 1.0);
        pg.put("negative", -0.0);
        pg.put("nan", Double.NaN);
        pg.put("decimal", new BigDecimal("12.50"));
        pg.put("max_long", Long.MAX_VALUE);
        pg.put("min_int", Integer.MIN_VALUE);
        pg.put("float", 0.1f);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ttl", 30);
        config.put("loop_wait", 10);
        config.put("postgresql", Map.of("parameters", pg));
        config.put("standby_cluster", null);
        config.put("zzz first? no: insertion order", "kept");
        config.put("aaa", List.of());
        Map<String, Object> text = new LinkedHashMap<>();
        text.put("unicode", "h\u00e9llo \u4e16\u754c \ud83d\ude00");
        text.put("controls", "tab\tnl\ncr\r\u0000\u0001\u001f\u007f");
        text.put("quotes", "\"back\\slash\" / <script>&'");
        text.put("separators", "\u2028\u2029");
        text.put("", "empty key");
        List<Object> history = new ArrayList<>();
        history.add(new ArrayList<>(Arrays.asList(1, 33_554_592L, "no recovery target specified",
                "2026-12-01T10:00:00.123456+00:00", "node1")));
        history.add(new ArrayList<>(Arrays.asList(2, 4_294_967_296L * 3 + 7, "")));
        return List.of(status, config, text, history, new LinkedHashSet<>(List.of("b", "a")), "plain",
                42, 4_294_967_296L, true, Map.of(), List.of(Map.of("k", List.of(1, 2.5, "x", false))));
    }

    /** JSON texts as peers and DCS values send them. */
    public static List<String> texts() {
        return List.of(
                "{\"state\":\"running\",\"xlog\":{\"location\":67108864},\"timeline\":2,\"tags\":{}}",
                "{\"optime\":5000000000,\"slots\":{\"node2\":4294967296},\"retain_slots\":[\"node2\"]}",
                "{\"a\":null,\"b\":[],\"c\":{},\"d\":1.5,\"e\":1e3,\"f\":-0,\"g\":123456789012345678901234567890}",
                "{\"ttl\":30,\"postgresql\":{\"parameters\":{\"x\":\"\\u00e9\\ud83d\\ude00\",\"y\":0.1}}}",
                "[[1,33554592,\"no recovery target specified\",\"2026-12-01T10:00:00+00:00\",\"node1\"]]",
                "{\"dup\":1,\"dup\":2}",
                "\"just a string\"",
                "12345678901",
                "3.141592653589793",
                "true",
                "null");
    }

    /** The value with every leaf's class, so an Integer where databind gave a Long shows in a diff. */
    public static String typed(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + "=" + typed(e.getValue()))
                    .collect(Collectors.joining(",", m.getClass().getSimpleName() + "{", "}"));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(JsonSamples::typed).collect(Collectors.joining(",", "[", "]"));
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }
}
