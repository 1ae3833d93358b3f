package io.patronijvm.pg.sql;

import io.patronijvm.core.pg.LogicalSlot;
import io.patronijvm.core.pg.WalSender;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the observe queries returned (see {@link Observer}). LSNs are bytes from 0/0, -1 when absent.
 * {@code cmdlineSettings}: running values of the command-line GUCs, which pg_settings never marks
 * pending_restart because the config file cannot change them.
 */
public record Observation(boolean inRecovery, int timeline, long currentWalLsn, long receivedLsn, long replayedLsn,
                          String replayedTimestamp, boolean replayPaused, boolean streaming, String primaryConninfo,
                          int serverVersion, String postmasterStartTime, String sysid, String synchronousStandbyNames,
                          boolean rewindPossible, List<WalSender> walSenders, Set<String> slots,
                          Map<String, String> pendingRestart,
                          Map<String, String> cmdlineSettings,
                          Map<String, LogicalSlot> logicalSlots) {
}
