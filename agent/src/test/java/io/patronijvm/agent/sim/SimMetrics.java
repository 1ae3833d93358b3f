package io.patronijvm.agent.sim;

import io.patronijvm.core.model.ClusterView;

import java.util.ArrayList;
import java.util.List;

/**
 * What the closing note needs (printed, not asserted): leader death to leader key gone,
 * to a new primary serving writes; and how long a primary rides out a DCS outage. A measurement
 * is dropped (censored) when something else ends it first: the dead machine comes back before
 * its key went, or the outage ends before the primary demoted.
 */
final class SimMetrics {

    /** Samples in seconds, per kind; mergeable across seeds. */
    static final class Samples {
        final List<Double> deathToKeyGone = new ArrayList<>();
        final List<Double> deathToWritable = new ArrayList<>();
        final List<Double> rideOut = new ArrayList<>();
        final List<Double> leaseLeftAtOutage = new ArrayList<>();

        void addAll(Samples o) {
            deathToKeyGone.addAll(o.deathToKeyGone);
            deathToWritable.addAll(o.deathToWritable);
            rideOut.addAll(o.rideOut);
            leaseLeftAtOutage.addAll(o.leaseLeftAtOutage);
        }

        void describe(StringBuilder sb, String indent) {
            sb.append(indent).append(stats("leader death -> leader key gone", deathToKeyGone)).append('\n');
            sb.append(indent).append(stats("leader death -> new primary serving writes", deathToWritable)).append('\n');
            sb.append(indent).append(stats("DCS outage -> primary demoted", rideOut)).append('\n');
            sb.append(indent).append(stats("DCS outage -> end of the provable lease (timer fence)", leaseLeftAtOutage))
                    .append('\n');
        }

        static String stats(String what, List<Double> xs) {
            if (xs.isEmpty()) {
                return what + ": no samples";
            }
            List<Double> sorted = xs.stream().sorted().toList();
            return String.format("%s: n=%d min=%.1fs median=%.1fs max=%.1fs", what, sorted.size(), sorted.get(0),
                    sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
        }
    }

    private final SimWorld w;
    final Samples samples = new Samples();
    private SimNode deadLeader;
    private long deathAt;
    private boolean keyGone;
    private SimNode outageLeader;
    private long outageAt;
    private long outageEnd;

    SimMetrics(SimWorld w) {
        this.w = w;
    }

    void nodeDied(SimNode n, long now) {
        ClusterView v = w.peek();
        if (deadLeader == null && v.leader() != null && v.leader().name().equals(n.name) && n.servesWrites()) {
            deadLeader = n;
            deathAt = now;
            keyGone = false;
        }
    }

    void dcsDown(long now, long duration) {
        for (SimNode n : w.nodes()) {
            if (n.servesWrites() && outageLeader == null) {
                outageLeader = n;
                outageAt = now;
                outageEnd = now + duration;
                long until = n.loop.lease().validUntilNanos();
                samples.leaseLeftAtOutage.add((until - n.clock.nanoTime()) / 1e9);
            }
        }
    }

    /** Something to watch: the step loop calls {@link #observe} only then. */
    boolean watching() {
        return deadLeader != null || outageLeader != null;
    }

    void observe(long now) {
        if (deadLeader != null) {
            observeDeath(now);
        }
        if (outageLeader != null) {
            if (!outageLeader.pg.acceptsWrites()) {
                samples.rideOut.add((now - outageAt) / 1e9);
                outageLeader = null;
            } else if (now - outageEnd >= 0) {
                outageLeader = null; // outage ended first: censored, not counted
            }
        }
    }

    private void observeDeath(long now) {
        if (!keyGone && deadLeader.agentUp) {
            deadLeader = null; // back before its key expired: censored
            return;
        }
        ClusterView v = w.peek();
        if (!keyGone && (v.leader() == null || !v.leader().name().equals(deadLeader.name))) {
            keyGone = true;
            samples.deathToKeyGone.add((now - deathAt) / 1e9);
        }
        for (SimNode n : w.nodes()) {
            if (n != deadLeader && n.servesWrites()) {
                samples.deathToWritable.add((now - deathAt) / 1e9);
                deadLeader = null;
                return;
            }
        }
    }
}
