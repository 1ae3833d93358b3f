package io.patronijvm.core.model;

import java.time.OffsetDateTime;

/**
 * The {@code failover} key: a requested switchover ({@code leader} set) or failover (only a
 * candidate). Patroni stores the candidate under {@code member}.
 *
 * @param leader      the member that must be the current leader, or null
 * @param candidate   the member to promote, or null for "any healthy replica"
 * @param scheduledAt when a switchover is scheduled, or null for now
 * @param version     the key's modify index
 */
public record Failover(String leader, String candidate, OffsetDateTime scheduledAt, long version) {

    public boolean isEmpty() {
        return blank(leader) && blank(candidate);
    }

    public boolean hasLeader() {
        return !blank(leader);
    }

    public boolean hasCandidate() {
        return !blank(candidate);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
