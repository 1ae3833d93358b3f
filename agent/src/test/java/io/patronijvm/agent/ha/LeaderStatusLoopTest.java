package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R19 {@code update_lock(update_status=True)} through the real loop and decider on an in-memory
 * DCS: the leader publishes its WAL position in {@code status} after renewing the lock, and
 * writes it again only when it changed (spec 2.1).
 */
class LeaderStatusLoopTest {

    private static final String SCOPE = "status";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final AtomicInteger statusWrites = new AtomicInteger();
    private final FakePostgres pg = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final HaLoop loop = newLoop();

    @Test
    void r19_leaderPublishesItsWalPositionAsStatusOptimeAfterRenewing() {
        runUntilLeader();
        pg.write(123_456);
        cycles(2);
        assertThat(status().optime()).as("status.optime after renewals as leader").isEqualTo(pg.lsn());
        assertThat(status().slots()).isEmpty();

        pg.write(4_096);
        cycles(1);
        assertThat(status().optime()).as("R19: the next renewal publishes the new position").isEqualTo(pg.lsn());
    }

    @Test
    void r19_statusIsWrittenOnlyWhenTheWalPositionChanged() {
        runUntilLeader();
        cycles(1);
        int before = statusWrites.get();
        cycles(5);
        assertThat(statusWrites.get()).as("no WAL written: no status write").isEqualTo(before);
        pg.write(100);
        cycles(3);
        assertThat(statusWrites.get()).as("one change, one write").isEqualTo(before + 1);
    }

    @Test
    void r19_aReplicaNeverWritesStatus() {
        runUntilLeader();
        FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
        AtomicInteger replicaWrites = new AtomicInteger();
        HaLoop replica = loop("node2", "127.0.0.2", pg2, replicaWrites);
        for (int i = 0; i < 40 && !pg2.streaming(); i++) {
            replica.runCycle();
            loop.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 streams from node1: " + pg2).isTrue();
        assertThat(replicaWrites.get()).isZero();
    }

    private ClusterStatus status() {
        return store.peek(SCOPE).status();
    }

    private void runUntilLeader() {
        for (int i = 0; i < 40 && !(pg.acceptsWrites() && store.peek(SCOPE).isLeader("node1")); i++) {
            cycles(1);
        }
        assertThat(pg.acceptsWrites()).as("node1 bootstrapped and leads: " + pg).isTrue();
    }

    private void cycles(int n) {
        for (int i = 0; i < n; i++) {
            loop.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
    }

    private HaLoop newLoop() {
        return loop("node1", "127.0.0.1", pg, statusWrites);
    }

    private HaLoop loop(String name, String host, FakePostgres fake, AtomicInteger writes) {
        Dcs dcs = countingStatusWrites(store.client(name, SCOPE, 10), writes);
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3));
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock, dcs, fake,
                (members, timeout) -> {
                    Map<String, PeerStatus> out = new LinkedHashMap<>();
                    members.forEach(m -> out.put(m.name(), PeerStatus.unreachable(m.name())));
                    return out;
                }, new LoopKit.InlineSlot(clock), Callbacks.NONE, new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, HaDecider::decide);
    }

    /** The DCS, counting {@code writeStatus} calls that went through. */
    private static Dcs countingStatusWrites(Dcs target, AtomicInteger writes) {
        return (Dcs) Proxy.newProxyInstance(Dcs.class.getClassLoader(), new Class<?>[] {Dcs.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("writeStatus")) {
                        writes.incrementAndGet();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
