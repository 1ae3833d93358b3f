package io.patronijvm.agent.sim;

import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.HaInput;

import java.util.function.Function;
import java.util.function.IntToLongFunction;

/**
 * Replays seeds from the command line (test scope):
 * {@code SimMain <seed> [count] [--mutation=lease-ttl|no-lag-check]} prints each failing seed's
 * violation and its last events, then the measurements. A single seed also prints its whole
 * trace hash, so two runs can be compared. Threads: {@code -Dsim.threads=N}.
 */
public final class SimMain {

    private SimMain() {
    }

    public static void main(String[] args) {
        long seed = 1;
        long count = 1;
        String mutation = null;
        int positional = 0;
        for (String a : args) {
            if (a.startsWith("--mutation=")) {
                mutation = a.substring("--mutation=".length());
            } else if (positional++ == 0) {
                seed = Long.parseLong(a);
            } else {
                count = Long.parseLong(a);
            }
        }
        Function<HaInput, Decision> decider = HaDecider::decide;
        IntToLongFunction lease = null;
        if ("lease-ttl".equals(mutation)) {
            lease = SimMutations.PATRONI_LEASE;
        } else if ("no-lag-check".equals(mutation)) {
            decider = SimMutations.withoutLagCheck(HaDecider::decide);
        } else if (mutation != null) {
            throw new IllegalArgumentException("--mutation: unknown '" + mutation + "' (lease-ttl, no-lag-check)");
        }
        if (count == 1) {
            SimRunner.quietLogs();
            SimWorld.Result r = SimRunner.runOne(seed, decider, lease).result();
            System.out.println("seed " + seed + " (" + r.profile().label() + "): " + r.traceLines()
                    + " trace lines, trace hash " + Long.toHexString(r.traceHash()) + ", "
                    + (r.violation() == null ? "no violation" : r.violation()));
        }
        SimRunner r = new SimRunner().runSeeds(seed, count, decider, lease, false);
        r.failures.forEach(f -> System.out.println(f.report()));
        System.out.println(r.summary());
    }
}
