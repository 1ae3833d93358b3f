package io.patronijvm.agent.sim;

import io.patronijvm.core.ha.HaDecider;

/**
 * Replays seeds from the command line (test scope): {@code SimMain <seed> [count]} prints each
 * failing seed's violation and the last events, then the measurements.
 */
public final class SimMain {

    private SimMain() {
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        long count = args.length > 1 ? Long.parseLong(args[1]) : 1;
        SimRunner r = new SimRunner().runSeeds(seed, count, HaDecider::decide, null, false);
        r.failures.forEach(f -> System.out.println(f.report()));
        System.out.println(r.summary());
    }
}
