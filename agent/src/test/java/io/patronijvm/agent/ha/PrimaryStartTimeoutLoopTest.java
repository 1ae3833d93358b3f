package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.ha.Memory;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, defect 1: primary_start_timeout through the real loop (InMemoryDcs with TTLs on a
 * FakeClock, the PostgreSQL model, inline async slot). Its clock ({@link Memory#startingSinceNanos})
 * used to be written only by a decision-table test, so a primary that never came back kept the
 * leader key forever. Two nodes, one cycle each per simulated second.
 */
class PrimaryStartTimeoutLoopTest {

    private static final String SCOPE = "pst";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final Map<String, FakePostgres> byName = Map.of("node1", pg1, "node2", pg2);
    private HaLoop loop1;
    private HaLoop loop2;

    @Test
    void aPrimaryWhoseStartHangsLosesTheKeyOncePrimaryStartTimeoutHasPassed() {
        startCluster(10);
        pg1.startFault(FakePostgres.StartFault.HANG);
        pg1.crash();
        long crashedAt = clock.nanoTime();

        long keyGoneAfter = runUntilLeader("node2", 40) - crashedAt;
        assertThat(Duration.ofNanos(keyGoneAfter)).as("node2 leads once primary_start_timeout (10 s) has passed")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(10)).isLessThan(Duration.ofSeconds(14));
        awaitWritable(pg2);
        assertThat(pg1.acceptsWrites()).isFalse();
    }

    @Test
    void aPrimaryWhosePgControlIsUnreadableGivesUpTheKeyAtOnce() {
        startCluster(10);
        pg1.makeControlFileUnreadable();
        pg1.crash();
        long crashedAt = clock.nanoTime();

        long after = runUntilLeader("node2", 40) - crashedAt;
        assertThat(Duration.ofNanos(after)).as("the key is given up, not renewed for ever")
                .isLessThan(Duration.ofSeconds(4));
        awaitWritable(pg2);
    }

    @Test
    void aPrimaryThatFailsToStartGivesUpTheKey_R34() {
        startCluster(300);
        pg1.startFault(FakePostgres.StartFault.FAIL);
        pg1.crash();
        long crashedAt = clock.nanoTime();

        long after = runUntilLeader("node2", 40) - crashedAt;
        assertThat(Duration.ofNanos(after)).isLessThan(Duration.ofSeconds(4));
        awaitWritable(pg2);
    }

    @Test
    void withZeroAKilledPostmasterIsReplacedAtOnce() {
        startCluster(0);
        pg1.crash();
        long crashedAt = clock.nanoTime();

        long after = runUntilLeader("node2", 40) - crashedAt;
        assertThat(Duration.ofNanos(after)).isLessThan(Duration.ofSeconds(4));
        awaitWritable(pg2);
    }

    @Test
    void withTheDefaultAnOrdinaryCrashIsRestartedInPlace() {
        startCluster(300);
        pg1.crash();
        for (int i = 0; i < 10; i++) {
            cycle();
        }
        assertThat(store.peek(SCOPE).isLeader("node1")).as("node1 keeps the key").isTrue();
        assertThat(pg1.acceptsWrites()).as("node1 restarted as primary: " + pg1).isTrue();
        assertThat(pg2.acceptsWrites()).isFalse();
        assertThat(loop1.state().memory().startingSinceNanos()).as("the clock stops once PostgreSQL is up")
                .isEqualTo(Memory.NEVER);
    }

    private void startCluster(int primaryStartTimeout) {
        loop1 = loop("node1", "127.0.0.1", pg1, primaryStartTimeout);
        loop2 = loop("node2", "127.0.0.2", pg2, primaryStartTimeout);
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() && store.peek(SCOPE).isLeader("node1")); i++) {
            loop1.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        for (int i = 0; i < 60 && !pg2.streaming(); i++) {
            cycle();
        }
        assertThat(pg1.acceptsWrites() && pg2.streaming()).as("node1 leads, node2 streams: " + pg1 + " " + pg2)
                .isTrue();
        cycle();
    }

    /** One second of cluster life: each node runs a cycle, the replica catches up. */
    private void cycle() {
        loop1.runCycle();
        loop2.runCycle();
        pg2.replicate(1 << 20);
        clock.advance(Duration.ofSeconds(1));
    }

    /** Cycles until {@code name} holds the leader key; the monotonic time it was first seen holding it. */
    private long runUntilLeader(String name, int maxCycles) {
        for (int i = 0; i < maxCycles; i++) {
            cycle();
            if (store.peek(SCOPE).isLeader(name)) {
                return clock.nanoTime();
            }
        }
        throw new AssertionError(name + " never got the leader key; leader is " + store.peek(SCOPE).leader()
                + ", " + pg1 + ", " + pg2);
    }

    private void awaitWritable(FakePostgres pg) {
        for (int i = 0; i < 5 && !pg.acceptsWrites(); i++) {
            cycle();
        }
        assertThat(pg.acceptsWrites()).as("new primary writable: " + pg).isTrue();
    }

    private HaLoop loop(String name, String host, FakePostgres fake, int primaryStartTimeout) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3,
                "primary_start_timeout", primaryStartTimeout));
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                store.client(name, SCOPE, 10), fake, peers(), new LoopKit.InlineSlot(clock), Callbacks.NONE,
                new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, HaDecider::decide);
    }

    /** What GET /patroni of each node would say: its model's state. */
    private PeerClient peers() {
        return new PeerClient() {
            @Override
            public Map<String, PeerStatus> probe(List<Member> members, Duration timeout) {
                Map<String, PeerStatus> out = new LinkedHashMap<>();
                for (Member m : members) {
                    FakePostgres pg = byName.get(m.name());
                    out.put(m.name(), pg == null || !pg.running() ? PeerStatus.unreachable(m.name())
                            : new PeerStatus(m.name(), true, pg.acceptsWrites(), pg.lsn(), pg.chain().timeline(),
                                    false, 0, false));
                }
                return out;
            }
        };
    }
}
