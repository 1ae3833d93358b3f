package io.patronijvm.agent.sim;

import io.patronijvm.agent.ha.Callbacks;
import io.patronijvm.agent.ha.HaContext;
import io.patronijvm.agent.ha.HaLoop;
import io.patronijvm.agent.ha.TimerService;
import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One simulated host: a FakePostgres that outlives the agent (decision 6), and an agent (the
 * real HaLoop with the real decider) that can crash, restart and freeze.
 */
final class SimNode {

    final String name;
    final String host;
    final FakePostgres pg;
    final DriftClock clock;
    private final SimWorld world;
    private final Function<HaInput, Decision> decider;
    private final Map<String, Object> bootstrapDcs;

    InMemoryDcs dcs;
    HaLoop loop;
    SimTimers timers;
    SimAsyncSlot slot;
    boolean agentUp;
    long frozenUntilWorld;
    long probesFailUntilWorld;
    long replicationStalledUntilWorld;
    long loopStalledUntilWorld;
    long nextCycleNodeNanos;
    boolean wake;
    String lastMessage = "";
    Role lastRole;

    SimNode(SimWorld world, String name, String host, FakePostgres pg, DriftClock clock,
            Function<HaInput, Decision> decider, Map<String, Object> bootstrapDcs) {
        this.world = world;
        this.name = name;
        this.host = host;
        this.pg = pg;
        this.clock = clock;
        this.decider = decider;
        this.bootstrapDcs = bootstrapDcs;
    }

    /** Starts (or restarts after a crash) the agent with fresh memory and a new DCS session. */
    void startAgent(InMemoryDcs.Store store, String scope, int ttl, PeerClient peers, SplittableRandom random) {
        dcs = store.client(name, scope, ttl);
        timers = new SimTimers(clock);
        TimerService agentTimers = world.timerDecorator().apply(timers);
        slot = new SimAsyncSlot(clock, random, world.tracer(name),
                (kind, held) -> world.asyncStarted(this, kind, held));
        HaContext ctx = new HaContext(name, scope, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE,
                new LocalSettings(true, true, false, false, false, "off"), null, bootstrapDcs,
                Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                world.slowWhenPlanned(this, world.dcsDecorator().apply(dcs)), pg, peers,
                slot, Callbacks.NONE,
                agentTimers, world.leaseRule());
        loop = new HaLoop(ctx, decider);
        agentUp = true;
        nextCycleNodeNanos = clock.nanoTime();
        lastRole = null;
    }

    /** The machine dies: agent and PostgreSQL; the DCS session lingers until it expires. */
    void crash() {
        agentUp = false;
        pg.crash();
        loop = null;
        timers = null;
        slot = null;
    }

    boolean frozen(long worldNow) {
        return worldNow - frozenUntilWorld < 0;
    }

    /** The agent runs (not crashed, not frozen) at world time {@code worldNow}. */
    boolean agentRunning(long worldNow) {
        return agentUp && !frozen(worldNow);
    }

    /** The node's own belief: it holds a provable lease now. */
    boolean believesLease() {
        return loop != null && loop.lease().holds(clock.nanoTime());
    }

    /** What HAProxy would route writes to: PostgreSQL writable and the lease provable. */
    boolean servesWrites() {
        return pg.acceptsWrites() && believesLease();
    }
}
