package io.patronijvm.agent.sim;

import io.patronijvm.core.ha.LeaseMath;

import io.patronijvm.agent.ha.TimerService;
import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Leader;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import java.util.function.UnaryOperator;

/**
 * A deterministic world of 3 to 5 nodes: one FakeClock, one seeded random, one InMemoryDcs store,
 * FakePostgres models, the real HaLoop and HaDecider on every node, a client workload and injected
 * faults. Time moves in 100 ms ticks; every tick checks the invariants ({@link SimInvariants}).
 */
final class SimWorld {

    static final long TICK = 100_000_000L;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.ThreadMXBean ALLOC = (com.sun.management.ThreadMXBean) CPU;
    static final String SCOPE = "sim";
    private static final int TRACE_LINES = 120;

    final long seed;
    final SimProfile profile;
    private final SplittableRandom random;
    /**
     * Draws the pauses that land inside a promotion ({@link #asyncStarted}); a stream of its own,
     * so every seed's planned faults, workload and timings stay what they were up to the first one.
     */
    private final SplittableRandom pauses;
    private final FakeClock clock = new FakeClock(1_000_000_000L, Instant.parse("2026-01-01T00:00:00Z"));
    private final long origin = clock.nanoTime();
    final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private List<SimNode> nodeList = List.of();
    private final List<SimFault> faults;
    private final SimSlowDcs slowDcs;
    private final Deque<String> trace = new ArrayDeque<>();
    /** Hash over every trace line of the run (not only the kept tail): same seed, same hash. */
    private long traceHash = 1125899906842597L;
    private long traceLines;
    private long steps;
    private long cycles;
    private long cpuNanos;
    private final SimPeerClient peers = new SimPeerClient(this);
    private final IntToLongFunction leaseRule;
    private final UnaryOperator<TimerService> timerDecorator;
    private final UnaryOperator<io.patronijvm.core.dcs.Dcs> dcsDecorator;
    final SimInvariants invariants;
    final SimMetrics metrics;
    private final InMemoryDcs ctl;
    long lastFaultEnd;
    long lastFailoverRequest = Long.MIN_VALUE;
    /** A benchmark's view of every cycle (SimScaleMain); null in the simulation tests. */
    interface CycleCost {
        void cycle(SimNode node, long wallNanos, long allocatedBytes);
    }

    private CycleCost cost;

    void measureCycles(CycleCost c) {
        this.cost = c;
    }

    /** Insertion-ordered: two machines coming back in one tick start in a seed-determined order. */
    private final Map<SimNode, Long> pendingRestarts = new LinkedHashMap<>();

    SimWorld(long seed, Function<HaInput, Decision> decider, IntToLongFunction leaseRule) {
        this(seed, new SimMutations.Variant("none", decider, leaseRule, t -> t, d -> d));
    }

    SimWorld(long seed, SimMutations.Variant variant) {
        this(seed, variant, null);
    }

    /**
     * With {@code shape} a world of that shape and no faults or requests (SimScaleMain: what one
     * idle cycle costs against the member count); null draws the seed's shape and faults.
     */
    SimWorld(long seed, SimMutations.Variant variant, SimProfile shape) {
        Function<HaInput, Decision> decider = variant.decider();
        IntToLongFunction leaseRule = variant.leaseRule();
        this.timerDecorator = variant.timers();
        this.dcsDecorator = variant.dcs();
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.pauses = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.profile = shape == null ? SimProfile.forSeed(seed, random) : shape;
        if (profile.etcd()) {
            store.etcdSemantics();
            // Production picks the etcd rule for an etcd3 section (DcsChoice); a mutation's rule wins.
            this.leaseRule = leaseRule != null ? leaseRule : LeaseMath::etcdProvableLeaseNanos;
        } else {
            this.leaseRule = leaseRule;
            store.setExpiryFactor(profile.expiryFactor());
        }
        this.ctl = store.client("patronictl", SCOPE, profile.ttl());
        for (int i = 0; i < profile.nodes(); i++) {
            String name = "node" + (i + 1);
            String host = "127.0.0." + (11 + i);
            FakePostgres pg = new FakePostgres(name, host, 5432, network);
            long ppm = random.nextInt(2001) - 1000; // up to 0.1 % fast or slow
            SimNode n = new SimNode(this, name, host, pg, new DriftClock(clock, ppm),
                    decider == null ? HaDecider::decide : decider, profile.bootstrapDcs());
            nodes.put(name, n);
        }
        this.nodeList = List.copyOf(nodes.values());
        this.invariants = new SimInvariants(this);
        this.metrics = new SimMetrics(this);
        for (SimNode n : nodes.values()) {
            n.pg.onPromote(pg -> invariants.onPromote(n));
        }
        this.faults = shape == null ? SimFaults.plan(random, profile, nodes.size(), origin) : List.of();
        lastFaultEnd = faults.stream().mapToLong(SimFault::endNanos).max().orElse(origin);
        this.slowDcs = shape == null ? SimSlowDcs.plan(seed, profile, nodes.size(), origin)
                : SimSlowDcs.none(seed, profile, nodes.size(), origin);
        lastFaultEnd = Math.max(lastFaultEnd, slowDcs.endNanos);
    }

    FakeClock clock() {
        return clock;
    }

    IntToLongFunction leaseRule() {
        return leaseRule;
    }

    /** Wraps each agent's DCS client (a mutation may break the lock client). */
    UnaryOperator<io.patronijvm.core.dcs.Dcs> dcsDecorator() {
        return dcsDecorator;
    }

    /** Node {@code n}'s DCS client as its agent sees it: slow and flaky in the seed's slow-DCS window, if any. */
    io.patronijvm.core.dcs.Dcs slowWhenPlanned(SimNode n, io.patronijvm.core.dcs.Dcs inner) {
        return slowDcs.wrap(this, n, inner);
    }

    /** Wraps each agent's timer service (a mutation may drop the lease timer). */
    UnaryOperator<TimerService> timerDecorator() {
        return timerDecorator;
    }

    SimNode node(String name) {
        return nodes.get(name);
    }

    /** The nodes in name order; immutable, shared (asked for every tick). */
    List<SimNode> nodes() {
        return nodeList;
    }

    double seconds() {
        return (clock.nanoTime() - origin) / 1e9;
    }

    long elapsed() {
        return clock.nanoTime() - origin;
    }

    ClusterView peek() {
        return store.peek(SCOPE);
    }

    Consumer<String> tracer(String who) {
        return msg -> trace(who + ": " + msg);
    }

    void trace(String line) {
        if (trace.size() >= TRACE_LINES) {
            trace.removeFirst();
        }
        long tenths = elapsed() / 100_000_000L;
        String text = "t=" + pad(tenths / 10 + "." + tenths % 10, 7) + "s " + line;
        trace.addLast(text);
        traceHash = traceHash * 31 + text.hashCode();
        traceLines++;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** What one seed produced, for the runner's report (the world itself is dropped). */
    record Result(long seed, SimProfile profile, String violation, String trace, long traceHash, long traceLines,
                  long writes, long acked, long ticks, long cycles, long nanos, SimMetrics.Samples samples) {
    }

    Result result() {
        return new Result(seed, profile, invariants.violation(), traceText(), traceHash, traceLines,
                invariants.writes, invariants.ackedWrites, steps, cycles, cpuNanos, metrics.samples);
    }

    String traceText() {
        return String.join("\n", trace);
    }

    /** Runs the whole seed; returns the first invariant violation, or null. */
    String run(Duration length) {
        long cpu0 = CPU.getCurrentThreadCpuTime();
        for (SimNode n : nodes.values()) {
            n.startAgent(store, SCOPE, profile.ttl(), peers, random);
        }
        if (slowDcs.planned()) {
            trace("plan: the leader's DCS slow and flaky from t=" + (slowDcs.startNanos - origin) / 1_000_000_000L
                    + "s to t=" + (slowDcs.endNanos - origin) / 1_000_000_000L + "s");
        }
        int nextFault = 0;
        long end = origin + length.toNanos();
        while (clock.nanoTime() - end < 0 && invariants.violation() == null) {
            clock.advance(Duration.ofNanos(TICK));
            long now = clock.nanoTime();
            while (nextFault < faults.size() && faults.get(nextFault).atNanos() - now <= 0) {
                apply(faults.get(nextFault++));
            }
            restartDueNodes(now);
            scheduled.removeIf(e -> {
                if (now - e.getKey() >= 0) {
                    e.getValue().run();
                    return true;
                }
                return false;
            });
            replicate(now);
            invariants.workload(random);
            for (SimNode n : shuffled()) {
                step(n, now);
            }
            invariants.check(now);
            if (metrics.watching()) {
                metrics.observe(now);
            }
            steps++;
        }
        if (invariants.violation() == null) {
            invariants.checkConverged(clock.nanoTime());
        }
        cpuNanos = CPU.getCurrentThreadCpuTime() - cpu0;
        return invariants.violation();
    }

    private List<SimNode> shuffled() {
        List<SimNode> l = new ArrayList<>(nodeList);
        for (int i = l.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            SimNode t = l.get(i);
            l.set(i, l.get(j));
            l.set(j, t);
        }
        return l;
    }

    private void replicate(long now) {
        for (SimNode n : nodes.values()) {
            long rate = now - n.replicationStalledUntilWorld < 0 ? 0 : 64 * 1024 + random.nextInt(448 * 1024);
            n.pg.replicate(rate);
        }
    }

    private void step(SimNode n, long now) {
        if (!n.agentRunning(now)) {
            return;
        }
        // Right after a freeze (SIGSTOP, a VM pause) the timer thread and the slot's thread resume
        // in no particular order: the slot may finish a job whose lease ran out before the lease
        // timer fences (what the executor's own lease check before pg_ctl promote is for).
        boolean thawed = now - n.frozenUntilWorld >= 0 && now - n.frozenUntilWorld < TICK;
        if (thawed && random.nextBoolean()) {
            if (n.slot.runDue()) {
                n.wake = true;
            }
            n.timers.runDue();
        } else {
            n.timers.runDue();
            if (n.slot.runDue()) {
                n.wake = true;
            }
        }
        if (now - n.loopStalledUntilWorld < 0) {
            return; // the HA thread hangs (a DCS or PostgreSQL call that does not return); timer and slot go on
        }
        boolean due = n.clock.nanoTime() - n.nextCycleNodeNanos >= 0;
        if (!due && !n.wake && n.slot.current() == null) {
            ClusterView v = n.loop.state().lastView();
            Leader l = v == null ? null : v.leader();
            if (l != null && !l.name().equals(n.name)) {
                try {
                    n.wake = n.dcs.watchLeader(l.version(), Duration.ZERO); // decision 4: race at once
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        if (due || n.wake) {
            n.wake = false;
            if (cost == null) {
                n.loop.runCycle();
            } else {
                long a0 = ALLOC.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                n.loop.runCycle();
                long wall = System.nanoTime() - t0;
                cost.cycle(n, wall, ALLOC.getCurrentThreadAllocatedBytes() - a0);
            }
            cycles++;
            n.nextCycleNodeNanos = n.clock.nanoTime() + n.loop.intervalNanos();
            var snap = n.loop.snapshot();
            if (snap != null && (!snap.lastMessage().equals(n.lastMessage) || snap.role() != n.lastRole)) {
                n.lastMessage = snap.lastMessage();
                n.lastRole = snap.role();
                trace(n.name + " [" + snap.role().wire() + "] " + snap.lastMessage() + " | " + n.pg);
            }
            if (n.loop.stopped()) {
                trace(n.name + ": agent exited");
                n.agentUp = false;
            }
        }
    }

    private void restartDueNodes(long now) {
        pendingRestarts.entrySet().removeIf(e -> {
            if (now - e.getValue() >= 0) {
                trace(e.getKey().name + ": machine back up, agent starts");
                e.getKey().startAgent(store, SCOPE, profile.ttl(), peers, random);
                return true;
            }
            return false;
        });
    }

    private void apply(SimFault f) {
        SimNode n = nodes().get(f.node());
        long now = clock.nanoTime();
        trace("FAULT " + f.kind() + " " + n.name + " for " + f.durationNanos() / 1_000_000 + " ms");
        switch (f.kind()) {
            case CRASH_NODE -> {
                if (n.agentUp) {
                    metrics.nodeDied(n, now);
                    n.crash();
                    pendingRestarts.put(n, now + f.durationNanos());
                }
            }
            case PG_CRASH -> n.pg.crash();
            case FREEZE_AGENT -> n.frozenUntilWorld = f.endNanos();
            case LOOP_STALL -> n.loopStalledUntilWorld = f.endNanos();
            case PARTITION_FROM_DCS -> {
                if (n.dcs != null) {
                    InMemoryDcs d = n.dcs;
                    d.setAvailable(false);
                    schedule(f.endNanos(), () -> d.setAvailable(true));
                }
            }
            case DCS_DOWN -> {
                store.setAvailable(false);
                metrics.dcsDown(now, f.durationNanos());
                schedule(f.endNanos(), () -> store.setAvailable(true));
            }
            case FAILING_PROBES -> n.probesFailUntilWorld = f.endNanos();
            case STALL_REPLICATION -> n.replicationStalledUntilWorld = f.endNanos();
            case SWITCHOVER, FAILOVER -> request(f, n);
        }
    }

    /**
     * One promotion in {@value #PAUSE_ONE_IN} is hit by a stop-the-world pause of its agent (a VM
     * pause, SIGSTOP, a long GC) that starts while the slot holds the job and lasts 3 s to 2 x ttl.
     * The planned faults almost never land inside a promotion (h12: 0 in 2,000 seeds), yet that is
     * the case LongActions' lease check before {@code pg_ctl promote} exists for: when the pause
     * ends, the slot's thread may run the job before the lease timer's thread fences (see
     * {@link #step}), after the key expired and another node promoted.
     */
    static final int PAUSE_ONE_IN = 4;

    void asyncStarted(SimNode n, io.patronijvm.core.ha.AsyncKind kind, long heldNanos) {
        if (kind != io.patronijvm.core.ha.AsyncKind.PROMOTE || pauses.nextInt(PAUSE_ONE_IN) != 0) {
            return;
        }
        long start = clock.nanoTime() + TICK + pauses.nextLong(Math.max(1, heldNanos - TICK));
        long length = (3_000L + pauses.nextInt(profile.ttl() * 2_000)) * 1_000_000L;
        lastFaultEnd = Math.max(lastFaultEnd, start + length);
        schedule(start, () -> {
            trace("FAULT FREEZE_AGENT " + n.name + " for " + length / 1_000_000 + " ms (inside a promotion)");
            n.frozenUntilWorld = Math.max(n.frozenUntilWorld, start + length);
        });
    }

    private final List<Map.Entry<Long, Runnable>> scheduled = new ArrayList<>();

    private void schedule(long at, Runnable r) {
        scheduled.add(Map.entry(at, r));
    }

    private void request(SimFault f, SimNode target) {
        ClusterView v = peek();
        if (v.leader() == null) {
            trace("request skipped: no leader");
            return;
        }
        String candidate = target.name.equals(v.leader().name()) ? null : target.name;
        if (f.kind() == SimFault.Kind.SWITCHOVER && profile.syncMode() && candidate != null
                && (v.sync() == null || !v.sync().matches(candidate))) {
            // The REST API answers 412 here (spec 1.6), so no such key is ever written.
            trace("request SWITCHOVER to " + candidate + " refused: candidate name does not match with sync_standby");
            return;
        }
        if (f.kind() == SimFault.Kind.FAILOVER && profile.syncMode() && v.sync() != null
                && !v.sync().matches(target.name)) {
            // R31: a manual failover to a named candidate ignores sync membership; Patroni's API allows
            // it (only switchover is refused). The operator accepts losing what was acknowledged so far.
            trace("request FAILOVER to non-synchronous " + target.name + ": acknowledged writes so far may be lost");
            invariants.forgiveAcknowledged();
        }
        lastFailoverRequest = clock.nanoTime();
        Failover req = f.kind() == SimFault.Kind.SWITCHOVER ? new Failover(v.leader().name(), candidate, null, 0)
                : new Failover(null, target.name, null, 0);
        var out = ctl.writeFailover(req, -1);
        trace("request " + f.kind() + " leader=" + req.leader() + " candidate=" + req.candidate() + " -> " + out.kind());
        for (SimNode n : nodes.values()) {
            n.wake = true; // the REST API wakes the loop (style guideline 12)
        }
    }
}
