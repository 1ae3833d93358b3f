package io.patronijvm.agent.sim;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.model.Role;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * bench/scale's simulator part (test scope; a benchmark, not a test): the real HaLoop and
 * HaDecider of every member over the in-memory DCS and PostgreSQL models, an idle cluster of N
 * members and no faults, for member counts beyond what the machine runs as real agents.
 * Per role it prints the wall time of one cycle on this JVM (median, p95), the bytes the cycle
 * allocates and the DCS calls it makes, as {@code SIM <members> <role> <metric> <value>} lines.
 *
 * <p>{@code SimScaleMain <members,...> <simulated minutes> <ttl> <loop_wait> <retry_timeout>}.
 * The first two simulated minutes of each world (bootstrap, clones) are not counted, and a
 * 9-member world runs first so the JIT has compiled the loop before the first measured one.
 */
public final class SimScaleMain {

    private static final Duration SKIP = Duration.ofMinutes(2);

    private SimScaleMain() {
    }

    /** One role's cycles in one world. */
    private static final class Stats {
        long[] wall = new long[1024];
        int cycles;
        long bytes;
        final Map<String, Long> calls = new TreeMap<>();

        void add(long wallNanos, long allocated, Map<String, long[]> dcsCalls) {
            if (cycles == wall.length) {
                wall = Arrays.copyOf(wall, cycles * 2);
            }
            wall[cycles++] = wallNanos;
            bytes += allocated;
            dcsCalls.forEach((m, c) -> calls.merge(m, c[0], Long::sum));
        }

        long percentileMicros(double p) {
            long[] s = Arrays.copyOf(wall, cycles);
            Arrays.sort(s);
            return s[Math.min(cycles - 1, (int) Math.floor(p * cycles))] / 1_000;
        }
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: SimScaleMain <members,...> <minutes> <ttl> <loop_wait> <retry_timeout>");
        }
        int minutes = Integer.parseInt(args[1]);
        int ttl = Integer.parseInt(args[2]);
        int loopWait = Integer.parseInt(args[3]);
        int retryTimeout = Integer.parseInt(args[4]);
        SimRunner.quietLogs();
        run(9, 4, ttl, loopWait, retryTimeout, false);
        for (String m : args[0].split(",")) {
            run(Integer.parseInt(m.trim()), minutes, ttl, loopWait, retryTimeout, true);
        }
    }

    private static void run(int members, int minutes, int ttl, int loopWait, int retryTimeout, boolean print) {
        Map<Object, Map<String, long[]>> calls = new IdentityHashMap<>();
        SimMutations.Variant counting = new SimMutations.Variant("scale", HaDecider::decide, null, t -> t,
                d -> counted(d, calls.computeIfAbsent(d, k -> new TreeMap<>())));
        SimProfile shape = new SimProfile(members, ttl, loopWait, retryTimeout, false, 1.0, 1_048_576L, false, false);
        SimWorld world = new SimWorld(42, counting, shape);
        Stats leader = new Stats();
        Stats replica = new Stats();
        world.measureCycles((node, wallNanos, allocated) -> {
            Map<String, long[]> c = calls.getOrDefault(node.dcs, Map.of());
            if (world.elapsed() >= SKIP.toNanos()) {
                var snap = node.loop.snapshot();
                (snap != null && snap.role() == Role.PRIMARY ? leader : replica).add(wallNanos, allocated, c);
            }
            c.values().forEach(v -> v[0] = 0);
        });
        long t0 = System.nanoTime();
        String violation = world.run(Duration.ofMinutes(minutes));
        long wall = System.nanoTime() - t0;
        if (!print) {
            return;
        }
        if (violation != null) {
            System.out.println("SIM\t" + members + "\tall\tviolation\t" + violation.replace('\t', ' '));
        }
        System.out.println("SIM\t" + members + "\tall\tworld_wall_ms_per_sim_minute\t" + wall / 1_000_000 / minutes);
        print(members, "leader", leader);
        print(members, "replica", replica);
    }

    private static void print(int members, String role, Stats s) {
        if (s.cycles == 0) {
            System.out.println("SIM\t" + members + "\t" + role + "\tcycles\t0");
            return;
        }
        String p = "SIM\t" + members + "\t" + role + "\t";
        System.out.println(p + "cycles\t" + s.cycles);
        System.out.println(p + "cycle_us_p50\t" + s.percentileMicros(0.5));
        System.out.println(p + "cycle_us_p95\t" + s.percentileMicros(0.95));
        System.out.println(p + "alloc_kb_per_cycle\t" + String.format("%.1f", s.bytes / 1024.0 / s.cycles));
        long total = s.calls.values().stream().mapToLong(Long::longValue).sum();
        System.out.println(p + "dcs_calls_per_cycle\t" + String.format("%.2f", (double) total / s.cycles));
        s.calls.forEach((m, c) -> {
            if (c > 0) {
                System.out.println(p + "dcs." + m + "_per_cycle\t" + String.format("%.2f", (double) c / s.cycles));
            }
        });
    }

    /**
     * The agent's DCS client with every call counted by method name; the world's own polling of
     * the leader key between cycles (watchLeader, decision 4) is left out: in production that
     * is the wait between cycles, not the cycle.
     */
    private static Dcs counted(Dcs d, Map<String, long[]> counts) {
        return (Dcs) Proxy.newProxyInstance(Dcs.class.getClassLoader(), new Class<?>[] {Dcs.class}, (proxy, m, a) -> {
            if (!m.getName().equals("watchLeader") && m.getDeclaringClass() != Object.class) {
                counts.computeIfAbsent(m.getName(), k -> new long[1])[0]++;
            }
            try {
                return m.invoke(d, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
