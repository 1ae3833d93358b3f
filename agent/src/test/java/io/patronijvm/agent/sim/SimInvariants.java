package io.patronijvm.agent.sim;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.status.HealthCheck;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.testkit.FakePostgres;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The five invariants, checked every tick (and at each promotion):
 * <ol>
 *   <li>no split brain: never two nodes whose PostgreSQL accepts writes while both believe they hold
 *       the lease (what HAProxy routes writes by); a writable PostgreSQL behind a frozen or fenced
 *       agent that does not believe it holds the lease is not routable and not counted;
 *       1b: but a running agent must have stopped it (self-fencing, checked while another node serves writes);
 *       1c: never two nodes whose health endpoint says primary ({@code /primary} answers 200, what
 *       HAProxy's httpchk routes by), asked through the REST API's own {@link HealthCheck} on the
 *       snapshot the REST API would serve; a frozen agent answers nothing;</li>
 *   <li>a node promotes only while its session holds the leader key;</li>
 *   <li>synchronous mode: no acknowledged write is lost: every node serving writes has them all;</li>
 *   <li>automatic failover never promotes a replica lagging more than maximum_lag_on_failover
 *       behind the last {@code status} optime;</li>
 *   <li>from 3 ttl + 5 loop_wait after the last fault until the end of the run: exactly one primary
 *       and every running node streams from it (checked every tick from then on, and at the end).</li>
 * </ol>
 */
final class SimInvariants {

    private final SimWorld w;
    private String violation;
    /** segment id -> highest acknowledged LSN on it. */
    private final Map<Long, Long> acked = new HashMap<>();
    private final Map<SimNode, Long> pendingSyncWrite = new HashMap<>();
    private boolean forgiving;
    long writes;
    long ackedWrites;

    SimInvariants(SimWorld w) {
        this.w = w;
    }

    String violation() {
        return violation;
    }

    private void fail(String what) {
        if (violation == null) {
            violation = String.format("t=%.1fs %s", w.seconds(), what);
            w.trace("VIOLATION " + what);
        }
    }

    /** Clients write through HAProxy to the node serving writes; sync commits wait for a sync standby. */
    void workload(SplittableRandom r) {
        for (SimNode n : w.nodes()) {
            if (!n.agentRunning(w.clock().nanoTime()) || !n.servesWrites()) {
                continue;
            }
            FakePostgres pg = n.pg;
            if (!pendingSyncWrite.containsKey(n) && r.nextInt(4) != 0) {
                long lsn = pg.write(1 + r.nextInt(32 * 1024));
                writes++;
                pendingSyncWrite.put(n, lsn);
            }
            Long lsn = pendingSyncWrite.get(n);
            if (lsn != null && acknowledged(pg, lsn)) {
                if (!forgiving) {
                    acked.merge(pg.chain().current().id(), lsn, Math::max);
                }
                ackedWrites++;
                pendingSyncWrite.remove(n);
            } else if (lsn != null && !pg.acceptsWrites()) {
                pendingSyncWrite.remove(n); // the client saw an error, nothing acknowledged
            }
        }
    }

    private boolean acknowledged(FakePostgres pg, long lsn) {
        if (!pg.acceptsWrites()) {
            return false;
        }
        if (pg.synchronousStandbyNames().isBlank()) {
            return true;
        }
        long seg = pg.chain().current().id();
        return pg.downstreams().stream().anyMatch(d -> pg.isSyncStandby(d.name()) && d.containsWal(seg, lsn));
    }

    /**
     * An operator forced a failover that may lose them (R31): invariant 3 protects only writes
     * acknowledged after the next promotion (the old primary acknowledges until it has demoted).
     */
    void forgiveAcknowledged() {
        acked.clear();
        forgiving = true;
    }

    void check(long now) {
        List<SimNode> serving = w.nodes().stream().filter(SimNode::servesWrites).toList();
        if (serving.size() > 1) {
            fail("split brain: " + serving.stream().map(n -> n.name).toList()
                    + " all accept writes and believe they hold the lease");
        }
        if (serving.size() == 1) {
            checkFenced(serving.get(0), now);
        }
        List<String> healthy = healthyPrimaries(now);
        if (healthy.size() > 1) {
            fail("two nodes whose health endpoint says primary: " + healthy + " all answer 200 on /primary");
        }
        if (w.profile.syncMode()) {
            for (SimNode n : serving) {
                checkHasAcked(n, "serving writes");
            }
        }
        if (now - (w.lastFaultEnd + w.profile.convergeBoundNanos()) >= 0) {
            checkConverged(now); // converged by the bound, and it stays so: every tick from then on
        }
    }

    /** Invariant 1c: the nodes whose REST API would answer 200 to HAProxy's {@code OPTIONS /primary} now. */
    private List<String> healthyPrimaries(long now) {
        List<String> out = new java.util.ArrayList<>();
        for (SimNode n : w.nodes()) {
            if (!n.agentRunning(now) || n.loop == null) {
                continue; // crashed or frozen: the request times out, HAProxy marks the node down
            }
            StatusSnapshot s = n.loop.restSnapshot();
            if (s != null && HealthCheck.evaluate(s, n.clock.nanoTime(), HealthCheck.Kind.PRIMARY, Map.of()) == 200) {
                out.add(n.name);
            }
        }
        return out;
    }

    /**
     * Invariant 1b (decision 3, self-fencing): while {@code leader} serves writes, no other node
     * whose agent process runs has a writable PostgreSQL without a lease. Clients that bypass
     * HAProxy (or an HAProxy that has not noticed yet) would write there. A frozen or crashed
     * agent is exempt: nothing but a watchdog (out of scope) can stop its PostgreSQL.
     */
    private void checkFenced(SimNode leader, long now) {
        for (SimNode n : w.nodes()) {
            if (n != leader && n.agentUp && !n.frozen(now) && n.pg.acceptsWrites() && !n.believesLease()) {
                fail("not fenced: " + n.name + "'s PostgreSQL accepts writes after its lease ran out, while "
                        + leader.name + " serves writes");
                return;
            }
        }
    }

    private void checkHasAcked(SimNode n, String when) {
        for (var e : acked.entrySet()) {
            if (!n.pg.containsWal(e.getKey(), e.getValue())) {
                fail("acknowledged write lost: " + n.name + " (" + when + ") lacks segment " + e.getKey() + " up to "
                        + e.getValue() + "; its history " + n.pg.chain() + " lsn=" + n.pg.lsn());
                return;
            }
        }
    }

    /** Called by FakePostgres at the instant a promotion takes effect. */
    void onPromote(SimNode n) {
        ClusterView v = w.peek();
        String session = n.dcs == null ? null : n.dcs.sessionId();
        if (v.leader() == null || !v.leader().name().equals(n.name) || session == null
                || !session.equals(v.leader().session())) {
            fail("promoted without holding the lock: " + n.name + " leader key=" + v.leader());
        }
        boolean manual = w.lastFailoverRequest != Long.MIN_VALUE
                && w.clock().nanoTime() - w.lastFailoverRequest < 120_000_000_000L;
        long promotedAt = n.pg.chain().current().startLsn();
        long lag = v.status().optime() - promotedAt;
        if (!manual && lag > w.profile.maxLag()) {
            fail("automatic failover promoted " + n.name + " lagging " + lag + " bytes behind status optime "
                    + v.status().optime());
        }
        if (w.profile.syncMode()) {
            checkHasAcked(n, "at promotion");
        }
        forgiving = false;
        w.trace(n.name + ": PROMOTED " + n.pg);
    }

    void checkConverged(long now) {
        List<SimNode> up = w.nodes().stream().filter(n -> n.agentRunning(now)).toList();
        List<SimNode> primaries = w.nodes().stream().filter(n -> n.pg.acceptsWrites()).toList();
        if (primaries.size() != 1) {
            fail("not converged " + (now - w.lastFaultEnd) / 1_000_000_000L + " s after the last fault: primaries="
                    + primaries.stream().map(n -> n.name).toList());
            return;
        }
        FakePostgres p = primaries.get(0).pg;
        List<FakePostgres> streaming = p.downstreams();
        for (SimNode n : up) {
            if (n.pg != p && !streaming.contains(n.pg)) {
                fail("not converged: " + n.name + " does not stream from " + p.name() + ": " + n.pg);
                return;
            }
        }
    }
}
