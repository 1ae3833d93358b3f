package io.patronijvm.agent.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.Upstream;

import java.net.URI;

/** Turns a member's {@code conn_url} into the {@link Upstream} a replica follows. */
final class Upstreams {

    private Upstreams() {
    }

    static Upstream of(Member m) {
        if (m == null || m.connUrl() == null) {
            return Upstream.NOBODY;
        }
        try {
            URI u = URI.create(m.connUrl());
            return new Upstream(m.name(), u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), slotName(m.name()));
        } catch (IllegalArgumentException e) {
            return Upstream.NOBODY;
        }
    }

    /** R55: lowercased, {@code -} and {@code .} become {@code _}, others {@code u%04d}, at most 63. */
    static String slotName(String member) {
        StringBuilder sb = new StringBuilder();
        for (char c : member.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
                sb.append(c);
            } else if (c == '-' || c == '.') {
                sb.append('_');
            } else {
                sb.append(String.format("u%04d", (int) c));
            }
        }
        return sb.length() > 63 ? sb.substring(0, 63) : sb.toString();
    }
}
