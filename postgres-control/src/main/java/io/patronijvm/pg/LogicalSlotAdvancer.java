package io.patronijvm.pg;

import io.patronijvm.pg.sql.PgConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * R57: advances logical slots on a replica on its own thread, as Patroni's slot advance thread does:
 * {@code pg_replication_slot_advance} decodes WAL up to the target and can take long after a burst
 * of writes, which must not hold up the HA loop. The loop schedules targets; the thread takes them
 * per database, and a target replaced while it worked is done again with the newer value.
 */
final class LogicalSlotAdvancer {

    private static final Logger log = LoggerFactory.getLogger(LogicalSlotAdvancer.class);
    /** Patroni runs these without a statement timeout; ours still ends a hung connection eventually. */
    private static final Duration ADVANCE_TIMEOUT = Duration.ofMinutes(10);

    private final PgContext ctx;
    /** database -> slot -> target LSN; guarded by {@code this}. */
    private final Map<String, Map<String, Long>> scheduled = new TreeMap<>();
    private Thread worker;

    LogicalSlotAdvancer(PgContext ctx) {
        this.ctx = ctx;
    }

    /** {@code targets}: database -> slot -> LSN. */
    synchronized void schedule(Map<String, Map<String, Long>> targets) {
        targets.forEach((db, slots) -> scheduled.computeIfAbsent(db, k -> new LinkedHashMap<>()).putAll(slots));
        if (worker == null) {
            worker = Thread.ofPlatform().daemon().name("slot-advance").start(this::run);
        }
        notifyAll();
    }

    /** After a promotion the primary's own slots move by themselves: forget pending targets. */
    synchronized void clear() {
        scheduled.clear();
    }

    private void run() {
        try {
            while (true) {
                String db;
                Map<String, Long> slots;
                synchronized (this) {
                    while (scheduled.isEmpty()) {
                        wait();
                    }
                    db = scheduled.keySet().iterator().next();
                    slots = new LinkedHashMap<>(scheduled.get(db));
                }
                advanceIn(db, slots);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void advanceIn(String db, Map<String, Long> slots) {
        try (Connection c = PgConnector.connect(ctx.localHost(), ctx.pg.port(), db, ctx.pg.superuser(), ADVANCE_TIMEOUT)) {
            for (Map.Entry<String, Long> e : slots.entrySet()) {
                advance(c, e.getKey(), e.getValue());
                done(db, e.getKey(), e.getValue());
            }
        } catch (SQLException e) {
            log.error("failed to advance replication slots in database {}: {}", db, e.getMessage());
            slots.forEach((slot, lsn) -> done(db, slot, lsn)); // the next cycle schedules them again
        }
    }

    private void advance(Connection c, String slot, long lsn) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.pg_replication_slot_advance(?, ?::pg_lsn)")) {
            ps.setString(1, slot);
            ps.setString(2, Lsn.format(lsn));
            ps.execute();
        } catch (SQLException e) {
            log.error("failed to advance logical replication slot '{}' to {}: {}", slot, Lsn.format(lsn), e.getMessage());
        }
    }

    /** Removes the target unless a newer one arrived while we worked. */
    private synchronized void done(String db, String slot, long lsn) {
        Map<String, Long> slots = scheduled.get(db);
        if (slots != null && Long.valueOf(lsn).equals(slots.get(slot))) {
            slots.remove(slot);
            if (slots.isEmpty()) {
                scheduled.remove(db);
            }
        }
    }
}
