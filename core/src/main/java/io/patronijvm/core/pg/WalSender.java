package io.patronijvm.core.pg;

/**
 * One row of {@code pg_stat_replication}.
 *
 * @param flushLsn        the standby's flush position, or -1 when unknown
 * @param replayLagMillis {@code replay_lag} in milliseconds, or -1 when PostgreSQL reports none
 *                        (it reports NULL once an idle standby has caught up)
 */
public record WalSender(String usename, String applicationName, String clientAddr, String state,
                        String syncState, int syncPriority, long flushLsn, long replayLsn, long replayLagMillis) {

    /** A row without a replay lag measurement. */
    public WalSender(String usename, String applicationName, String clientAddr, String state, String syncState,
                     int syncPriority, long flushLsn, long replayLsn) {
        this(usename, applicationName, clientAddr, state, syncState, syncPriority, flushLsn, replayLsn, -1);
    }
}
