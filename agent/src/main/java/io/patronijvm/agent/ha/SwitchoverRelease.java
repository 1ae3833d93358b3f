package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.FailoverEligibility;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.time.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * R32/R63: after a fast stop, the leader releases the lock only once a failover candidate has
 * received the shutdown checkpoint (or the bounded wait is over), writing the checkpoint location
 * to {@code status} so the candidates' lag check sees the true end of WAL. Waiting means no
 * acknowledged write is left behind when the replica takes over.
 *
 * <p>Decision 4 (switchover within 3 s): the candidates are asked directly, {@code GET /patroni}
 * every {@link #POLL} with a short timeout, as Patroni's {@code is_failover_possible(cluster_lsn)}
 * does; their answers carry a live WAL position ({@link FreshStatus}). Their member keys would not
 * do: a replica refreshes its key once per cycle, so waiting on them costs up to loop_wait.
 *
 * <p>The lock stays ours while we wait: this runs in the async slot and the loop keeps renewing.
 */
final class SwitchoverRelease {

    private static final Logger log = LoggerFactory.getLogger(SwitchoverRelease.class);
    /** Between two rounds of probes: the checkpoint normally arrives with the stop, so the first or second round sees it. */
    static final Duration POLL = Duration.ofMillis(100);
    /**
     * One round's probe timeout. Short on purpose: a peer that misses it is asked again 100 ms later,
     * while a long timeout would let one dead candidate hold up every round.
     */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    /** The wait is bounded: a stuck replica must not keep the cluster without a leader for long. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private SwitchoverRelease() {
    }

    /**
     * Waits for a candidate to reach the shutdown checkpoint, then releases the lock. True when released.
     *
     * @param syncMode synchronous_mode is on: only /sync members count as candidates (as for the race)
     */
    static boolean waitAndRelease(HaContext ctx, LeaseGuard lease, ClusterView view, boolean syncMode)
            throws InterruptedException {
        long checkpoint;
        try {
            checkpoint = ctx.pg().latestCheckpointLsn();
        } catch (PgException e) {
            log.warn("could not read the shutdown checkpoint LSN: {}", e.getMessage());
            checkpoint = -1;
        }
        if (view == null || view.leader() == null || !view.isLeader(ctx.name())) {
            lease.clear();
            return false;
        }
        List<Member> candidates = candidates(view, ctx.name(), syncMode);
        if (checkpoint >= 0 && !candidates.isEmpty()) {
            awaitCheckpoint(ctx, candidates, checkpoint);
        }
        if (checkpoint >= 0) {
            ctx.dcs().writeStatus(new ClusterStatus(checkpoint, view.status().slots(), view.status().retainSlots()));
        }
        var out = ctx.dcs().releaseLeader(view.leader());
        lease.clear();
        return out.ok();
    }

    /** Polls the candidates until one has the checkpoint or {@link #MAX_WAIT} is over; the name, or null. */
    private static String awaitCheckpoint(HaContext ctx, List<Member> candidates, long checkpoint)
            throws InterruptedException {
        long start = ctx.clock().nanoTime();
        Deadline deadline = Deadline.after(ctx.clock(), MAX_WAIT);
        // Rounds are counted as well as time: under a simulated clock a probe takes no time.
        long rounds = MAX_WAIT.toNanos() / POLL.toNanos();
        while (!deadline.expired() && rounds-- > 0) {
            Map<String, PeerStatus> st = ctx.peers().probe(candidates, deadline.remainingCappedAt(PROBE_TIMEOUT));
            String who = caughtUp(st, checkpoint);
            if (who != null) {
                log.info("{} has the shutdown checkpoint {} ({} ms after the stop): releasing the leader key", who,
                        Long.toHexString(checkpoint), (ctx.clock().nanoTime() - start) / 1_000_000);
                return who;
            }
            ctx.sleeper().sleep(deadline.remainingCappedAt(POLL));
        }
        log.warn("no candidate ({}) reached the shutdown checkpoint {} within {} s; releasing the lock anyway",
                candidates.stream().map(Member::name).toList(), Long.toHexString(checkpoint), MAX_WAIT.toSeconds());
        return null;
    }

    /**
     * The first candidate whose received (or replayed) WAL position is at least the checkpoint
     * location, Patroni's test ({@code st.wal_position < cluster_lsn} means behind). pg_controldata's
     * "Latest checkpoint location" is where the shutdown checkpoint record starts, so such a replica
     * has every record with data; a streaming one in fact reports the end of that record, because
     * the walsenders send it before the postmaster exits.
     */
    static String caughtUp(Map<String, PeerStatus> statuses, long checkpoint) {
        return statuses.values().stream().filter(PeerStatus::reachable).filter(s -> s.walPosition() >= checkpoint)
                .map(PeerStatus::name).findFirst().orElse(null);
    }

    /**
     * Whom to ask (Patroni's {@code get_failover_candidates}, {@link FailoverEligibility#candidates}):
     * the switchover target when one is named, else every member that may take over. When the named
     * target has left the view meanwhile, any member that may take over is asked instead: the
     * point of waiting is that whoever wins next has every acknowledged write.
     *
     * @param syncMode synchronous_mode is on (only /sync members count unless it is a failover without a leader)
     */
    static List<Member> candidates(ClusterView view, String self, boolean syncMode) {
        Failover f = view.failover();
        List<Member> out = FailoverEligibility.candidates(view, self, syncMode, f);
        if (out.isEmpty() && f != null && f.hasCandidate()) {
            out = FailoverEligibility.candidates(view, self, syncMode, new Failover(f.leader(), null, f.scheduledAt(),
                    f.version()));
        }
        return out;
    }
}
