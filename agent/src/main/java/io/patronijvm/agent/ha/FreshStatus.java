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

    private record Refreshed(StatusSnapshot basedOn, StatusSnapshot fresh, long observedAtNanos) {
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
        StatusSnapshot s = published.get();
        if (s == null || s.pg() == null || !s.pg().isReplica()) {
            return s;
        }
        long now = clock.nanoTime();
        if (now - s.publishedAtNanos() < MAX_AGE.toNanos()) {
            return s;
        }
        Refreshed r = last;
        StatusSnapshot latest = r != null && r.basedOn() == s ? r.fresh() : s;
        if (latest != s && now - r.observedAtNanos() < MAX_AGE.toNanos()) {
            return latest;
        }
        if (!observing.tryLock()) {
            return latest;
        }
        try {
            LocalPgState observed = pg.observe();
            if (!observed.isReplica() && observed.runState() == PgRunState.RUNNING) {
                return s; // promoted: the loop reports that, with its decision
            }
            // A replica whose PostgreSQL went away is not a healthy replica any more: Patroni asks
            // PostgreSQL on every request, so GET /replica answers 503 at once, not a cycle later.
            StatusSnapshot fresh = withPg(s, observed);
            last = new Refreshed(s, fresh, clock.nanoTime());
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
