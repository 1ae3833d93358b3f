package io.patronijvm.agent.sim;

import ch.qos.logback.classic.Level;
import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaInput;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntToLongFunction;

/** Runs many seeds and collects violations and measurements. Also the replay entry point. */
final class SimRunner {

    static final Duration LENGTH = Duration.ofMinutes(10);

    record Failure(long seed, String profile, String violation, String trace) {
        String report() {
            return "seed " + seed + " (" + profile + "): " + violation + "\n  replay: mvn -pl agent test -Dtest=SimulationTest"
                    + " -Dsim.seed=" + seed + "\n--- last events ---\n" + trace;
        }
    }

    final List<Failure> failures = new ArrayList<>();
    final List<Double> keyGone30 = new ArrayList<>(), writable30 = new ArrayList<>(), ride30 = new ArrayList<>();
    final List<Double> keyGone10 = new ArrayList<>(), writable10 = new ArrayList<>(), ride10 = new ArrayList<>();
    long seeds;
    long nanos;
    long writes;
    long acked;

    static void quietLogs() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.patronijvm")).setLevel(Level.OFF);
    }

    SimRunner runSeeds(long first, long count, Function<HaInput, Decision> decider, IntToLongFunction leaseRule,
                       boolean stopAtFirst) {
        quietLogs();
        for (long s = first; s < first + count; s++) {
            long t0 = System.nanoTime();
            SimWorld w = new SimWorld(s, decider, leaseRule);
            String v = w.run(LENGTH);
            nanos += System.nanoTime() - t0;
            seeds++;
            writes += w.invariants.writes;
            acked += w.invariants.ackedWrites;
            boolean slow = w.profile.ttl() == 30;
            (slow ? keyGone30 : keyGone10).addAll(w.metrics.deathToKeyGone);
            (slow ? writable30 : writable10).addAll(w.metrics.deathToWritable);
            (slow ? ride30 : ride10).addAll(w.metrics.rideOut);
            if (v != null) {
                failures.add(new Failure(s, w.profile.label(), v, w.traceText()));
                if (stopAtFirst) {
                    break;
                }
            }
        }
        return this;
    }

    static String stats(String what, List<Double> xs) {
        DoubleSummaryStatistics st = xs.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        if (st.getCount() == 0) {
            return what + ": no samples";
        }
        List<Double> sorted = xs.stream().sorted().toList();
        return String.format("%s: n=%d min=%.1fs median=%.1fs max=%.1fs", what, st.getCount(), st.getMin(),
                sorted.get(sorted.size() / 2), st.getMax());
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("simulation: %d seeds x %d min simulated, %.1f ms per seed, %d violations, "
                + "%d client writes (%d acknowledged)%n", seeds, LENGTH.toMinutes(),
                seeds == 0 ? 0 : nanos / 1e6 / seeds, failures.size(), writes, acked));
        sb.append("  ttl=30 loop_wait=10 retry_timeout=10 (Patroni: failover starts ttl - up to loop_wait after death; "
                + "primary rides out ~retry_timeout=10 s, is_leader lasts ttl=30 s)\n");
        sb.append("    ").append(stats("leader death -> leader key gone", keyGone30)).append('\n');
        sb.append("    ").append(stats("leader death -> new primary serving writes", writable30)).append('\n');
        sb.append("    ").append(stats("DCS outage -> primary demoted (our lease rule)", ride30)).append('\n');
        sb.append("  ttl=10 loop_wait=2 retry_timeout=3 (Patroni: rides out ~3 s, is_leader lasts 10 s)\n");
        sb.append("    ").append(stats("leader death -> leader key gone", keyGone10)).append('\n');
        sb.append("    ").append(stats("leader death -> new primary serving writes", writable10)).append('\n');
        sb.append("    ").append(stats("DCS outage -> primary demoted (our lease rule)", ride10)).append('\n');
        return sb.toString();
    }
}
