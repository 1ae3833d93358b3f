package io.patronijvm.core.model;

import java.util.Locale;
import java.util.Optional;

/**
 * A node's role as written to member keys, {@code GET /patroni} and callbacks.
 * The wire strings are Patroni 3.x's (spec decision 1): the primary is {@code master};
 * readers accept {@code master} and {@code primary} alike.
 */
public enum Role {
    PRIMARY("master"),
    REPLICA("replica"),
    STANDBY_LEADER("standby_leader"),
    DEMOTED("demoted"),
    PROMOTED("promoted"),
    UNINITIALIZED("uninitialized");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    /** The string written to the DCS and the REST API. */
    public String wire() {
        return wire;
    }

    /** Parses a role as any Patroni generation writes it; empty for an unknown string. */
    public static Optional<Role> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "master", "primary" -> Optional.of(PRIMARY);
            case "replica" -> Optional.of(REPLICA);
            case "standby_leader", "standby-leader" -> Optional.of(STANDBY_LEADER);
            case "demoted" -> Optional.of(DEMOTED);
            case "promoted" -> Optional.of(PROMOTED);
            case "uninitialized" -> Optional.of(UNINITIALIZED);
            default -> Optional.empty();
        };
    }
}
