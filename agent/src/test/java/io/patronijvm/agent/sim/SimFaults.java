package io.patronijvm.agent.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** Plans a seed's faults and operator requests: 3 to 8 events between 40 s and 4.5 min, each lasting at most 60 s. */
final class SimFaults {

    private SimFaults() {
    }

    static List<SimFault> plan(SplittableRandom r, SimProfile p, int nodes, long origin) {
        List<SimFault> out = new ArrayList<>();
        int count = 3 + r.nextInt(6);
        SimFault.Kind[] kinds = SimFault.Kind.values();
        for (int i = 0; i < count; i++) {
            SimFault.Kind k = kinds[r.nextInt(kinds.length)];
            long at = origin + (40_000L + r.nextInt(230_000)) * 1_000_000L;
            long dur = switch (k) {
                case PG_CRASH, SWITCHOVER, FAILOVER -> 0;
                case CRASH_NODE -> (10_000L + r.nextInt(50_000)) * 1_000_000L;
                default -> (3_000L + r.nextInt(p.ttl() * 2_000)) * 1_000_000L;
            };
            out.add(new SimFault(k, at, dur, r.nextInt(nodes), r.nextInt(nodes)));
        }
        out.sort(Comparator.comparingLong(SimFault::atNanos));
        return out;
    }
}
