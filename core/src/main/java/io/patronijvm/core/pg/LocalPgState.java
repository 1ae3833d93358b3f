package io.patronijvm.core.pg;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One observation of the local PostgreSQL, taken once per cycle (style guideline 3).
 *
 * @param dataDir          what the data directory holds
 * @param sysid            database system identifier from pg_control, or null
 * @param postmasterRunning a postmaster of this data directory is alive
 * @param runState         Patroni-style state
 * @param acceptsConnections the observe query succeeded
 * @param inRecovery       {@code pg_is_in_recovery()}; meaningful when acceptsConnections
 * @param timeline         current timeline, or 0 when unknown
 * @param currentWalLsn    primary: {@code pg_current_wal_flush_lsn()}, else -1
 * @param receivedLsn      replica: last received LSN, else -1
 * @param replayedLsn      replica: last replayed LSN, else -1
 * @param replayedTimestamp replica: {@code pg_last_xact_replay_timestamp()} text, or null
 * @param replayPaused     replica: replay paused
 * @param streaming        replica: WAL receiver is streaming
 * @param upstreamHost     replica: the host in the current {@code primary_conninfo}, or null (following nobody)
 * @param upstreamPort     replica: the port in the current {@code primary_conninfo}, or 0
 * @param standbySignal    {@code standby.signal} exists
 * @param serverVersion    e.g. 150004, or 0 when unknown
 * @param postmasterStartTime text of {@code pg_postmaster_start_time()}, or null
 * @param walSenders       rows of {@code pg_stat_replication}
 * @param replicationSlots physical slot names that exist on this node
 * @param controlState     {@code Database cluster state} from pg_controldata ({@code in production}, {@code shut down} ...), or null
 * @param rewindPossible   {@code wal_log_hints} or data checksums are on (per pg_controldata)
 * @param pendingRestart   a parameter change needs a restart
 * @param pendingRestartReasons param → [old, new]
 * @param synchronousStandbyNames current value of the GUC, or ""
 * @param logicalSlots     logical slots on this node that no ignore_slots entry matches, by name
 */
public record LocalPgState(
        DataDirState dataDir,
        String sysid,
        boolean postmasterRunning,
        PgRunState runState,
        boolean acceptsConnections,
        boolean inRecovery,
        int timeline,
        long currentWalLsn,
        long receivedLsn,
        long replayedLsn,
        String replayedTimestamp,
        boolean replayPaused,
        boolean streaming,
        String upstreamHost,
        int upstreamPort,
        boolean standbySignal,
        int serverVersion,
        String postmasterStartTime,
        List<WalSender> walSenders,
        Set<String> replicationSlots,
        String controlState,
        boolean rewindPossible,
        boolean pendingRestart,
        Map<String, List<String>> pendingRestartReasons,
        String synchronousStandbyNames,
        Map<String, LogicalSlot> logicalSlots) {

    /** An observation without logical slot details (stopped servers, models). */
    public LocalPgState(DataDirState dataDir, String sysid, boolean postmasterRunning, PgRunState runState,
                        boolean acceptsConnections, boolean inRecovery, int timeline, long currentWalLsn,
                        long receivedLsn, long replayedLsn, String replayedTimestamp, boolean replayPaused,
                        boolean streaming, String upstreamHost, int upstreamPort, boolean standbySignal,
                        int serverVersion, String postmasterStartTime, List<WalSender> walSenders,
                        Set<String> replicationSlots, String controlState, boolean rewindPossible,
                        boolean pendingRestart, Map<String, List<String>> pendingRestartReasons,
                        String synchronousStandbyNames) {
        this(dataDir, sysid, postmasterRunning, runState, acceptsConnections, inRecovery, timeline, currentWalLsn,
                receivedLsn, replayedLsn, replayedTimestamp, replayPaused, streaming, upstreamHost, upstreamPort,
                standbySignal, serverVersion, postmasterStartTime, walSenders, replicationSlots, controlState,
                rewindPossible, pendingRestart, pendingRestartReasons, synchronousStandbyNames, Map.of());
    }

    public LocalPgState {
        walSenders = walSenders == null ? List.of() : List.copyOf(walSenders);
        replicationSlots = replicationSlots == null ? Set.of() : Set.copyOf(replicationSlots);
        pendingRestartReasons = pendingRestartReasons == null ? Map.of() : Map.copyOf(pendingRestartReasons);
        synchronousStandbyNames = synchronousStandbyNames == null ? "" : synchronousStandbyNames;
        logicalSlots = logicalSlots == null ? Map.of() : Map.copyOf(logicalSlots);
    }

    /** Running, answering queries, and not in recovery. */
    public boolean isPrimary() {
        return postmasterRunning && acceptsConnections && !inRecovery;
    }

    public boolean isReplica() {
        return postmasterRunning && acceptsConnections && inRecovery;
    }

    /**
     * This running replica's state with its replication progress renewed (a health check's light
     * query): everything else is as this observation saw it.
     */
    public LocalPgState withReplicaProgress(int timeline, long receivedLsn, long replayedLsn, String replayedTimestamp,
                                            boolean replayPaused, boolean streaming) {
        return new LocalPgState(dataDir, sysid, postmasterRunning, runState, acceptsConnections, inRecovery, timeline,
                currentWalLsn, receivedLsn, replayedLsn, replayedTimestamp, replayPaused, streaming, upstreamHost,
                upstreamPort, standbySignal, serverVersion, postmasterStartTime, walSenders, replicationSlots,
                controlState, rewindPossible, pendingRestart, pendingRestartReasons, synchronousStandbyNames,
                logicalSlots);
    }

    /** Patroni's {@code xlog_location}: the primary's flush LSN, or max(receive, replay) on a replica. */
    public long walPosition() {
        if (!acceptsConnections) {
            return -1;
        }
        return inRecovery ? Math.max(receivedLsn, replayedLsn) : currentWalLsn;
    }
}
