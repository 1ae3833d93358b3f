package io.patronijvm.agent.sim;


import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs many seeds and collects violations and measurements. Also the replay entry point.
 *
 * <p>Seeds are independent worlds (own clock, random, DCS, models), so they run on
 * {@code sim.threads} worker threads (default: one per core); results are gathered by seed
 * number, so the report does not depend on scheduling. With {@code stopAtFirst} the runner
 * returns the lowest failing seed: seeds above a known failure are skipped, seeds below it
 * still run.
 */
final class SimRunner {

    static final Duration LENGTH = Duration.ofMinutes(10);
    static final int THREADS = Integer.getInteger("sim.threads", Runtime.getRuntime().availableProcessors());
    /** A whole run may take this long before it is abandoned (2,000 seeds take about a minute). */
    private static final Duration RUN_LIMIT = Duration.ofMinutes(30);
    /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.patronijvm");

    record Failure(long seed, String profile, String violation, String trace) {
        String report() {
            return "seed " + seed + " (" + profile + "): " + violation + "\n  replay: mvn -pl agent test -Dtest=SimulationTest"
                    + " -Dsim.seed=" + seed + "   or: SimMain " + seed + "\n--- last events ---\n" + trace;
        }
    }

    final List<Failure> failures = new ArrayList<>();
    final SimMetrics.Samples slow = new SimMetrics.Samples();
    final SimMetrics.Samples fast = new SimMetrics.Samples();
    long seeds;
    long cpuNanos;
    long wallNanos;
    long writes;
    long acked;
    long ticks;
    long cycles;

    static void quietLogs() {
        QUIET.setLevel(java.util.logging.Level.OFF);
    }

    /** One seed, start to end, on the calling thread. */
    static SimWorld runOne(long seed, SimMutations.Variant variant) {
        SimWorld w = new SimWorld(seed, variant);
        w.run(LENGTH);
        return w;
    }

    /**
     * {@link SourceMutant}'s entry, called by reflection inside the mutant's class loader: seeds
     * 1..{@code count} with the real decider, stopping at the first violation; {seed, violation,
     * report} of the lowest failing seed, or null.
     */
    static String[] firstFailure(long count) {
        SimRunner r = new SimRunner().runSeeds(1, count, SimMutations.NONE, true);
        if (r.failures.isEmpty()) {
            return null;
        }
        Failure f = r.failures.get(0);
        return new String[] {Long.toString(f.seed()), f.violation(), f.report()};
    }

    SimRunner runSeeds(long first, long count, SimMutations.Variant variant, boolean stopAtFirst) {
        quietLogs();
        long t0 = System.nanoTime();
        SimWorld.Result[] results = new SimWorld.Result[(int) count];
        AtomicLong next = new AtomicLong(first);
        AtomicLong lowestFailure = new AtomicLong(Long.MAX_VALUE);
        int threads = (int) Math.max(1, Math.min(THREADS, count));
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("sim-", 1).factory());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    for (long s = next.getAndIncrement(); s < first + count; s = next.getAndIncrement()) {
                        if (stopAtFirst && s > lowestFailure.get()) {
                            continue;
                        }
                        SimWorld.Result r = runOne(s, variant).result();
                        results[(int) (s - first)] = r;
                        if (r.violation() != null) {
                            lowestFailure.accumulateAndGet(s, Math::min);
                        }
                    }
                }));
            }
            awaitAll(workers, t0);
        } finally {
            pool.shutdownNow();
        }
        wallNanos = System.nanoTime() - t0;
        for (SimWorld.Result r : results) {
            if (r != null) {
                add(r);
            }
        }
        if (stopAtFirst && failures.size() > 1) {
            failures.subList(1, failures.size()).clear();
        }
        return this;
    }

    private static void awaitAll(List<Future<?>> workers, long t0) {
        for (Future<?> f : workers) {
            long left = RUN_LIMIT.toNanos() - (System.nanoTime() - t0);
            try {
                f.get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("simulation interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a seed crashed the simulator", e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("simulation still running after " + RUN_LIMIT, e);
            }
        }
    }

    private void add(SimWorld.Result r) {
        seeds++;
        cpuNanos += r.nanos();
        writes += r.writes();
        acked += r.acked();
        ticks += r.ticks();
        cycles += r.cycles();
        (r.profile().ttl() == 30 ? slow : fast).addAll(r.samples());
        if (r.violation() != null) {
            failures.add(new Failure(r.seed(), r.profile().label(), r.violation(), r.trace()));
        }
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("simulation: %d seeds x %d min simulated on %d threads in %.1f s: %.1f ms per seed "
                        + "(%.1f ms of one thread each), %d violations, %d client writes (%d acknowledged), "
                        + "%d steps, %d HA cycles%n", seeds, LENGTH.toMinutes(), THREADS, wallNanos / 1e9,
                seeds == 0 ? 0 : wallNanos / 1e6 / seeds, seeds == 0 ? 0 : cpuNanos / 1e6 / seeds, failures.size(),
                writes, acked, ticks, cycles));
        sb.append("  ttl=30 loop_wait=10 retry_timeout=10 (Patroni: failover starts ttl - up to loop_wait after death; "
                + "a primary cut off from the DCS demotes after ~retry_timeout = 10 s + up to loop_wait)\n");
        slow.describe(sb, "    ");
        sb.append("  ttl=10 loop_wait=2 retry_timeout=3 (Patroni: demotes after ~3 s + up to loop_wait when cut off)\n");
        fast.describe(sb, "    ");
        return sb.toString();
    }
}
