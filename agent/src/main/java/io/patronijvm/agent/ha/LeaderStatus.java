package io.patronijvm.agent.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.LogicalSlotRules;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.pg.LocalPgState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * R19 {@code update_lock(update_status=True)}: after each successful renewal the leader publishes
 * its last WAL position in the {@code status} key (spec 2.1), so replicas can tell how far behind
 * they are (R23.11's lag check) and {@code patronictl list} shows lag. Without it the lag check
 * compares against 0 or a value frozen at the last switchover.
 *
 * <p>Written only when it changed, as Patroni does: the value is compared with the one this cycle's
 * view shows (read in the same cycle, so another writer's value counts) and with our last write.
 * With permanent logical slots it adds their {@code confirmed_flush_lsn} as {@code slots} (R57),
 * which replicas advance their copies to.
 */
final class LeaderStatus {

    private static final Logger log = LoggerFactory.getLogger(LeaderStatus.class);

    private ClusterStatus lastWritten;

    /** Called after the leader key was renewed in this cycle; {@code pg} is this cycle's observation. */
    void afterRenewal(Dcs dcs, ClusterView view, LocalPgState pg, DynamicConfig config, Tags tags) {
        if (!pg.isPrimary() || pg.currentWalLsn() <= 0) {
            return; // Patroni writes status only with a known position (a promotion still running has none)
        }
        ClusterStatus next = new ClusterStatus(pg.currentWalLsn(), LogicalSlotRules.published(config, tags, pg), List.of());
        if (next.equals(view.status()) && next.equals(lastWritten)) {
            return;
        }
        DcsOutcome o = dcs.writeStatus(next);
        if (o.ok()) {
            lastWritten = next;
        } else {
            // Not fatal: the lag check on the replicas uses an older optime until the next cycle.
            log.warn("could not write the status key: {} {}", o.kind(), o.detail());
        }
    }

    /** The last value this node wrote, or null. */
    ClusterStatus lastWritten() {
        return lastWritten;
    }
}
