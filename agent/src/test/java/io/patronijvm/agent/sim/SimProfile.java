package io.patronijvm.agent.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One seed's cluster shape and timing. Seeds alternate between Patroni's defaults
 * (ttl 30 / loop_wait 10 / retry_timeout 10) and a fast profile (10 / 2 / 3); every third seed
 * runs synchronous_mode; every fifth (seed % 5 == 2) runs failsafe_mode (R40 to R43), decided by
 * the seed alone so the other seeds' worlds stay as they were.
 */
record SimProfile(int nodes, int ttl, int loopWait, int retryTimeout, boolean syncMode, double expiryFactor,
                  long maxLag, boolean failsafe, boolean etcd) {

    static final boolean CHECK_TIMELINE = Boolean.parseBoolean(System.getProperty("sim.checkTimeline", "true"));
    /**
     * Which DCS semantics the seeds run on: {@code mixed} (default: etcd v3 for seed % 7 == 4,
     * Consul for the rest), {@code etcd} (every seed) or {@code consul} (none).
     */
    static final String DCS = System.getProperty("sim.dcs", "mixed");

    static boolean etcdFor(long seed) {
        return switch (DCS) {
            case "etcd" -> true;
            case "consul" -> false;
            case "mixed" -> seed % 7 == 4;
            default -> throw new IllegalArgumentException("sim.dcs must be mixed, etcd or consul, got '" + DCS + "'");
        };
    }

    static SimProfile forSeed(long seed, java.util.SplittableRandom r) {
        boolean slow = (seed & 1) == 0;
        int nodes = 3 + r.nextInt(3);
        // Consul expires an unrenewed session between 1 x and 2 x its TTL (the contract allows 1 x).
        double factor = 1.0 + r.nextInt(11) / 10.0;
        // etcd expires a lease exactly at its TTL (= ttl): no random factor. The draw above stays, so
        // every seed's random stream is the same whichever DCS it runs on.
        boolean etcd = etcdFor(seed);
        return new SimProfile(nodes, slow ? 30 : 10, slow ? 10 : 2, slow ? 10 : 3, seed % 3 == 0, etcd ? 1.0 : factor,
                1_048_576L, seed % 5 == 2, etcd);
    }

    Map<String, Object> bootstrapDcs() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ttl", ttl);
        m.put("loop_wait", loopWait);
        m.put("retry_timeout", retryTimeout);
        m.put("maximum_lag_on_failover", maxLag);
        m.put("synchronous_mode", syncMode);
        if (failsafe) {
            m.put("failsafe_mode", true);
        }
        m.put("use_pg_rewind", true);
        // On, unlike Patroni's default (off). With it off the simulation finds timeline-number
        // collisions (2,000 seeds: seed 1448): node1 promotes tl2 -> tl3 and crashes; node4, which never
        // saw tl3, promotes tl2 -> tl3 at the SAME switch point. node1 comes back on its own tl3 and
        // can neither stream nor be told to rewind: R37 compares timeline numbers and the leader's
        // history file (our Rewinder, Patroni's _check_timeline_and_lsn), and both tl3 histories are
        // byte-for-byte equal; pg_rewind itself says "same timeline, no rewind required". No cheap
        // check sees it (only WAL contents differ; a reinit would fix it), so the cure is upstream:
        // check_timeline keeps a node behind the cluster timeline out of the race, which is what
        // makes tl3 unique. FakePostgres's divergence check sees only what R37 sees, as reality;
        // -Dsim.oracleDivergence=true lets it see identities (then off passes too, unrealistically).
        // -Dsim.checkTimeline=false shows the collisions.
        m.put("check_timeline", CHECK_TIMELINE);
        return m;
    }

    /** Invariant 5's bound on convergence after the last fault. */
    long convergeBoundNanos() {
        return (3L * ttl + 5L * loopWait) * 1_000_000_000L;
    }

    String label() {
        return (CHECK_TIMELINE ? "" : "check_timeline=false/") + "ttl=" + ttl + "/loop_wait=" + loopWait + "/retry_timeout=" + retryTimeout + (syncMode ? "/sync" : "") + (failsafe ? "/failsafe" : "")
                + " nodes=" + nodes + (etcd ? " etcd (lease ttl, expiry 1xTTL)" : " expiry=" + expiryFactor + "xTTL");
    }
}
