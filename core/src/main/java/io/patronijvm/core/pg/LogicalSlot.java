package io.patronijvm.core.pg;

/**
 * A logical replication slot as {@code pg_replication_slots} shows it.
 *
 * @param confirmedFlushLsn bytes from 0/0, or -1 when the server reports none
 * @param catalogXmin       the slot's {@code catalog_xmin}, or 0 when none
 */
public record LogicalSlot(String name, String plugin, String database, long confirmedFlushLsn, long catalogXmin) {
}
