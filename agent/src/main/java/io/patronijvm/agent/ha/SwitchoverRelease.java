package io.patronijvm.agent.ha;

import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
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
 * R32/R63: after a fast stop, the leader releases the lock only once some replica has received
 * the shutdown checkpoint (or the bounded wait is over), writing that LSN to {@code status} so
 * the candidates' lag check sees the true end of WAL. Waiting means no acknowledged write is
 * left behind when the replica takes over.
 */
final class SwitchoverRelease {

    private static final Logger log = LoggerFactory.getLogger(SwitchoverRelease.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** The wait is bounded: a stuck replica must not keep the cluster without a leader for long. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private SwitchoverRelease() {
    }

    /** Waits for a replica to reach the shutdown checkpoint, then releases the lock. True when released. */
    static boolean waitAndRelease(HaContext ctx, LeaseGuard lease, ClusterView view)
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
        List<Member> others = view.members().stream().filter(m -> !m.name().equals(ctx.name())).toList();
        Deadline deadline = Deadline.after(ctx.clock(), MAX_WAIT);
        // Attempts are counted as well as time: under a simulated clock sleeping does not advance time.
        long attempts = MAX_WAIT.toNanos() / POLL.toNanos();
        boolean caughtUp = checkpoint < 0 || others.isEmpty();
        while (!caughtUp && !deadline.expired() && attempts-- > 0) {
            Map<String, PeerStatus> st = ctx.peers().probe(others, ctx.probeTimeout());
            long best = st.values().stream().filter(PeerStatus::reachable).mapToLong(PeerStatus::walPosition)
                    .max().orElse(-1);
            caughtUp = best >= checkpoint;
            if (!caughtUp) {
                ctx.sleeper().sleep(POLL);
            }
        }
        if (!caughtUp) {
            log.warn("no replica reached the shutdown checkpoint {} within {}; releasing the lock anyway",
                    Long.toHexString(checkpoint), MAX_WAIT);
        }
        if (checkpoint >= 0) {
            ctx.dcs().writeStatus(new ClusterStatus(checkpoint, view.status().slots(), view.status().retainSlots()));
        }
        var out = ctx.dcs().releaseLeader(view.leader());
        lease.clear();
        return out.ok();
    }
}
