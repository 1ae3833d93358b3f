package io.patronijvm.core.model;

/**
 * One line of the {@code history} key: {@code [timeline, lsn, reason, timestamp, new_leader]}.
 * {@code timestamp} and {@code newLeader} may be null on entries written by old versions.
 */
public record HistoryEntry(int timeline, long lsn, String reason, String timestamp, String newLeader) {
}
