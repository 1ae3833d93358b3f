package io.patronijvm.agent.sim;

/**
 * Replays seeds from the command line (test scope):
 * {@code SimMain <seed> [count] [--mutation=lease-ttl|no-lag-check|no-self-fence]} prints each failing seed's
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
        SimMutations.Variant variant = SimMutations.byName(mutation == null ? "none" : mutation);
        if (count == 1) {
            SimRunner.quietLogs();
            SimWorld.Result r = SimRunner.runOne(seed, variant).result();
            System.out.println("seed " + seed + " (" + r.profile().label() + "): " + r.traceLines()
                    + " trace lines, trace hash " + Long.toHexString(r.traceHash()) + ", "
                    + (r.violation() == null ? "no violation" : r.violation()));
        }
        SimRunner r = new SimRunner().runSeeds(seed, count, variant, false);
        r.failures.forEach(f -> System.out.println(f.report()));
        System.out.println(r.summary());
    }
}
