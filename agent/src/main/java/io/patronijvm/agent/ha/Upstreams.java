package io.patronijvm.agent.ha;

import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.Upstream;


/** Turns a member's {@code conn_url} into the {@link Upstream} a replica follows. */
final class Upstreams {

    private Upstreams() {
    }

    static Upstream of(Member m) {
        if (m == null || m.connUrl() == null) {
            return Upstream.NOBODY;
        }
        // R55: a replica streams through the slot named after ITSELF, not after its upstream; null
        // lets PostgreSQL control pick our own slot name when use_slots is on.
        return io.patronijvm.core.model.MemberUrl.parse(m.connUrl(), 5432)
                .map(u -> new Upstream(m.name(), u.host(), u.port(), null))
                .orElse(Upstream.NOBODY);
    }
}
