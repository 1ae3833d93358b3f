package io.patronijvm.core.peer;

/**
 * What a peer's {@code GET /patroni} said, reduced to what the leader race needs (R23).
 *
 * @param name           member name
 * @param reachable      answered 200 with a status that carries {@code xlog}
 * @param primary        reports itself not in recovery (role primary/master or xlog.location set)
 * @param walPosition    its WAL position (location, or max(received, replayed)), -1 if unknown
 * @param timeline       its timeline, 0 if unknown
 * @param noFailover     its tags say nofailover
 * @param failoverPriority its failover_priority tag (default 1)
 * @param watchdogFailed it reports watchdog_failed
 */
public record PeerStatus(String name, boolean reachable, boolean primary, long walPosition, int timeline,
                         boolean noFailover, int failoverPriority, boolean watchdogFailed) {

    public static PeerStatus unreachable(String name) {
        return new PeerStatus(name, false, false, -1, 0, false, 1, false);
    }
}
