package io.patronijvm.restapi;

import io.patronijvm.core.model.Role;
import io.patronijvm.core.status.RestartRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * Validates {@code POST /restart}'s body the way Patroni does (spec 1.6): keys checked in the
 * order given; the first bad one answers 400 (422 for a bad schedule) with Patroni's message.
 */
final class RestartRequests {

    private RestartRequests() {
    }

    static RestartRequest parse(Map<String, Object> body, Instant now) {
        OffsetDateTime schedule = null;
        Role role = null;
        int version = 0;
        Duration timeout = null;
        boolean pending = false;
        for (Map.Entry<String, Object> e : body.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "schedule" -> schedule = Schedule.parse(v, "restart", now);
                case "role" -> role = role(v);
                case "postgres_version" -> version = postgresVersion(v);
                case "timeout" -> timeout = timeout(v);
                case "restart_pending" -> pending = truthy(v);
                default -> throw new HttpError(400, "Unknown filter for the scheduled restart: " + e.getKey());
            }
        }
        return new RestartRequest(schedule, role, version, timeout, pending);
    }

    private static Role role(Object v) {
        // Decision 1: master and primary alike; Patroni 3.x refuses anything else.
        if (v instanceof String s && (s.equals("master") || s.equals("primary") || s.equals("replica"))) {
            return Role.parse(s).orElseThrow();
        }
        throw new HttpError(400, "PostgreSQL role should be either primary or replica");
    }

    /** Patroni's postgres_version_to_int: X.Y (X >= 10) or X.Y.Z. */
    static int postgresVersion(Object v) {
        String text = v == null ? "None" : String.valueOf(v);
        String[] parts = text.split("\\.", -1);
        int[] c = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                c[i] = Integer.parseInt(parts[i].strip());
                if (c[i] < 0 || c[i] > 9999) {
                    throw new NumberFormatException(parts[i]);
                }
            }
        } catch (NumberFormatException e) {
            throw new HttpError(400, "Invalid PostgreSQL version: " + text);
        }
        if (c.length < 2 || c.length == 2 && c[0] < 10 || c.length > 3) {
            throw new HttpError(400, "Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: " + text);
        }
        if (c.length == 2) {
            return c[0] * 10000 + c[1];
        }
        return c[0] * 10000 + c[1] * 100 + c[2];
    }

    private static Duration timeout(Object v) {
        long seconds = -1;
        if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
            seconds = n.longValue();
        } else if (v instanceof Number n) {
            seconds = Math.round(n.doubleValue());
        } else if (v instanceof String s) {
            seconds = parseSeconds(s.strip());
        }
        if (seconds <= 0 || seconds > 86_400 * 7) {
            throw new HttpError(400, "Timeout should be a positive number of seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    /** {@code 30}, {@code 30s}, {@code 2min}, {@code 1h}, {@code 1500ms}; -1 when unparsable. */
    private static long parseSeconds(String s) {
        var m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*(ms|s|min|h|d)?").matcher(s);
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Math.round(n / 1000.0);
            case "min" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86_400;
            default -> n;
        };
    }

    static boolean truthy(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            String t = s.strip().toLowerCase(java.util.Locale.ROOT);
            return t.equals("true") || t.equals("on") || t.equals("yes") || t.equals("1");
        }
        return v instanceof Number n && n.doubleValue() != 0;
    }
}
