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
            // R55: a replica streams through the slot named after ITSELF, not after its upstream; null
            // lets PostgreSQL control pick our own slot name when use_slots is on.
            return new Upstream(m.name(), u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), null);
        } catch (IllegalArgumentException e) {
            return Upstream.NOBODY;
        }
    }
}
