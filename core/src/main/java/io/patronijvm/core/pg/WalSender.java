package io.patronijvm.core.pg;

/**
 * One row of {@code pg_stat_replication}.
 *
 * @param flushLsn the standby's flush position, or -1 when unknown
 */
public record WalSender(String usename, String applicationName, String clientAddr, String state,
                        String syncState, int syncPriority, long flushLsn, long replayLsn) {
}
