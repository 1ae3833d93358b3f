package io.patronijvm.core.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code sync} key: who is leader in synchronous mode and which members are confirmed
 * synchronous standbys ({@code sync_standby} is comma-joined and sorted on the wire).
 */
public record SyncState(String leader, Set<String> syncStandbys, long version) {

    public SyncState {
        syncStandbys = syncStandbys == null ? Set.of() : Set.copyOf(new TreeSet<>(syncStandbys));
    }

    public boolean matches(String member) {
        return member != null && (member.equals(leader) || syncStandbys.contains(member));
    }

    public boolean isSyncStandby(String member) {
        return syncStandbys.contains(member);
    }
}
