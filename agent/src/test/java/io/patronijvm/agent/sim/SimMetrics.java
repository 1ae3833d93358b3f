package io.patronijvm.agent.sim;

import io.patronijvm.core.model.ClusterView;

import java.util.ArrayList;
import java.util.List;

/**
 * What the closing note needs (printed, not asserted): leader death to leader key gone,
 * to a new primary serving writes; and how long a primary rides out a DCS outage.
 */
final class SimMetrics {

    private final SimWorld w;
    final List<Double> deathToKeyGone = new ArrayList<>();
    final List<Double> deathToWritable = new ArrayList<>();
    final List<Double> rideOut = new ArrayList<>();
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
            }
        }
    }

    void observe(long now) {
        if (deadLeader != null) {
            ClusterView v = w.peek();
            if (!keyGone && (v.leader() == null || !v.leader().name().equals(deadLeader.name))) {
                keyGone = true;
                deathToKeyGone.add((now - deathAt) / 1e9);
            }
            for (SimNode n : w.nodes()) {
                if (n != deadLeader && n.servesWrites()) {
                    deathToWritable.add((now - deathAt) / 1e9);
                    deadLeader = null;
                    break;
                }
            }
        }
        if (outageLeader != null) {
            if (!outageLeader.pg.acceptsWrites()) {
                rideOut.add((now - outageAt) / 1e9);
                outageLeader = null;
            } else if (now - outageEnd >= 0) {
                outageLeader = null; // outage ended first: censored, not counted
            }
        }
    }
}
