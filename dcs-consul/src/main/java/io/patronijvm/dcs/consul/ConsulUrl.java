package io.patronijvm.dcs.consul;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A Consul API address: the agent's base ({@code http://host:8500}), an encoded path and an encoded
 * query (null when none). Path segments and query values are percent-encoded here, so a key
 * segment with {@code /} or a space reaches Consul as the operator wrote it.
 */
record ConsulUrl(String base, String path, String query) {

    /** {@code base + /v1/ + path}, each of {@code path}'s segments encoded. */
    static ConsulUrl of(String base, String path) {
        StringBuilder p = new StringBuilder("/v1");
        for (String segment : path.split("/", -1)) {
            p.append('/').append(encode(segment, true));
        }
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return new ConsulUrl(b, p.toString(), null);
    }

    /** One more path segment; a {@code /} inside it is encoded ({@code %2F}). */
    ConsulUrl segment(String segment) {
        return new ConsulUrl(base, path + "/" + encode(segment, true), query);
    }

    /** One more query parameter; a null value gives a bare name ({@code ?consistent}). */
    ConsulUrl param(String name, String value) {
        String p = encode(name, false) + (value == null ? "" : "=" + encode(value, false));
        return new ConsulUrl(base, path, query == null ? p : query + "&" + p);
    }

    URI uri() {
        return URI.create(base + redacted());
    }

    /** The path and query without the scheme and host, for messages. */
    String redacted() {
        return path + (query == null ? "" : "?" + query);
    }

    @Override
    public String toString() {
        return base + redacted();
    }

    private static String encode(String s, boolean pathSegment) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0
                    || pathSegment && "!$&'()*+,;=:@".indexOf(c) >= 0;
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
