package io.patronijvm.agent.ha;

import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.PostgresControl;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the REST API reads: the loop's last snapshot, except that a running replica's PostgreSQL
 * observation is renewed when it is older than {@link #MAX_AGE}.
 *
 * <p>Why: Patroni's {@code GET /patroni} asks PostgreSQL on every request, and a leader in a
 * switchover (R32) polls its candidates for the shutdown checkpoint every 100 ms. A replica's
 * snapshot is refreshed once per cycle, so its {@code received_location} could be up to loop_wait
 * old, and the leader (and with it the switchover, decision 4) waited that long.
 *
 * <p>Only the observation is replaced, and only while the snapshot says "running replica" and the
 * new observation says "replica" or "not running": role, lease, cluster view and decisions stay the loop's, and a primary's
 * answers (lease-gated, decision 3) are never touched. One request at a time observes; the others
 * meanwhile get the latest answer, so a burst of requests costs one query.
 */
final class FreshStatus {

    /** Younger observations are served as they are. */
    static final Duration MAX_AGE = Duration.ofMillis(50);

    /** @param full a full observation; a health check's light one only renewed the positions */
    private record Refreshed(StatusSnapshot basedOn, StatusSnapshot fresh, long observedAtNanos, boolean full) {
    }

    private final MonotonicClock clock;
    private final PostgresControl pg;
    private final Supplier<StatusSnapshot> published;
    private final ReentrantLock observing = new ReentrantLock();
    private volatile Refreshed last;

    FreshStatus(MonotonicClock clock, PostgresControl pg, Supplier<StatusSnapshot> published) {
        this.clock = clock;
        this.pg = pg;
        this.published = published;
    }

    StatusSnapshot get() {
        return get(false);
    }

    /**
     * For HEAD/OPTIONS health checks (HAProxy's, every second): as {@link #get()}, but a running
     * replica's renewal is the light progress query ({@code observeReplicaProgress}), which falls
     * back to a full observation whenever PostgreSQL is not that running replica any more.
     */
    StatusSnapshot forHealthCheck() {
        return get(true);
    }

    private StatusSnapshot get(boolean light) {
        StatusSnapshot s = published.get();
        if (s == null || s.pg() == null || !s.pg().isReplica()) {
            return s;
        }
        long now = clock.nanoTime();
        if (now - s.publishedAtNanos() < MAX_AGE.toNanos()) {
            return s;
        }
        Refreshed r = last;
        // A light renewal keeps the rest of the last full one: GET /patroni's body needs everything fresh.
        boolean usable = r != null && r.basedOn() == s && (light || r.full());
        StatusSnapshot latest = usable ? r.fresh() : s;
        if (usable && now - r.observedAtNanos() < MAX_AGE.toNanos()) {
            return latest;
        }
        if (!observing.tryLock()) {
            return latest;
        }
        try {
            LocalPgState observed = light ? pg.observeReplicaProgress(latest.pg()) : pg.observe();
            if (!observed.isReplica() && observed.runState() == PgRunState.RUNNING) {
                return s; // promoted: the loop reports that, with its decision
            }
            // A replica whose PostgreSQL went away is not a healthy replica any more: Patroni asks
            // PostgreSQL on every request, so GET /replica answers 503 at once, not a cycle later.
            StatusSnapshot fresh = withPg(s, observed);
            last = new Refreshed(s, fresh, clock.nanoTime(), !light);
            return fresh;
        } finally {
            observing.unlock();
        }
    }

    private static StatusSnapshot withPg(StatusSnapshot s, LocalPgState pg) {
        return new StatusSnapshot(s.scope(), s.name(), s.patroniVersion(), s.implementation(), s.role(), pg,
                s.leaseValidUntilNanos(), s.cluster(), s.clusterReadAtNanos(), s.dcsLastSeen(), s.config(), s.tags(),
                s.paused(), s.failsafeActive(), s.watchdogFailed(), s.lastMessage(), s.cycle(), s.nextRunNanos(),
                s.scheduledRestart(), s.publishedAtNanos());
    }
}
