package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Tags;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos finding (quorum loss with failsafe_mode at ttl 10): the provable lease is 4 s, the
 * cycle's DCS read takes retry_timeout (3 s) to give up, and the lease timer stopped PostgreSQL
 * before the cycle could run its failsafe check. Here the lease timer runs on the fake clock while
 * the read hangs, as the real timer thread does, and every member confirms: the primary must ride
 * the outage out (R40, R41), and still be fenced when a member does not confirm.
 */
class FailsafeLeaseRescueLoopTest {

    private static final String SCOPE = "fsr";
    private static final Duration READ_HANG = Duration.ofSeconds(3); // retry_timeout
    private final FakeClock clock = new FakeClock();
    private final ClockTimers timers = new ClockTimers(clock);
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FailsafeLoopTest.FakeFailsafePeers peers = new FailsafeLoopTest.FakeFailsafePeers();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final HaLoop node1 = loop("node1", "127.0.0.1", pg1);
    private final HaLoop node2 = loop("node2", "127.0.0.2", pg2);
    private volatile boolean quorumLost;

    /** Timers on the fake clock; {@link #advance} moves time in small steps and runs what is due, like a thread. */
    static final class ClockTimers implements TimerService {
        private record Task(long due, Runnable run, boolean[] cancelled) {
        }

        private final FakeClock clock;
        private final List<Task> tasks = new ArrayList<>();

        ClockTimers(FakeClock clock) {
            this.clock = clock;
        }

        @Override
        public synchronized Handle schedule(Duration delay, Runnable task) {
            boolean[] cancelled = {false};
            tasks.add(new Task(clock.nanoTime() + delay.toNanos(), task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advance(Duration d) {
            long end = clock.nanoTime() + d.toNanos();
            while (clock.nanoTime() - end < 0) {
                clock.advance(Duration.ofNanos(Math.min(Duration.ofMillis(50).toNanos(), end - clock.nanoTime())));
                runDue();
            }
        }

        private void runDue() {
            List<Task> due;
            synchronized (this) {
                due = tasks.stream().filter(t -> !t.cancelled()[0] && clock.nanoTime() - t.due() >= 0).toList();
                tasks.removeAll(due);
            }
            due.forEach(t -> t.run().run());
        }

        @Override
        public void close() {
            tasks.clear();
        }
    }

    @Test
    void r41_thePrimaryRidesOutQuorumLossAlthoughEachReadHangsForRetryTimeout() {
        twoNodeCluster();
        quorumLost = true;
        long start = clock.nanoTime();
        while (clock.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
            node1.runCycle();
            timers.advance(Duration.ofNanos(node1.intervalNanos()));
            assertThat(pg1.acceptsWrites()).as("R40/R41: every member confirms, so node1 stays primary; "
                    + (clock.nanoTime() - start) / 1_000_000 + " ms into the outage: " + pg1).isTrue();
        }
        assertThat(node1.snapshot().failsafeActive()).isTrue();
        assertThat(node1.lease().holds(clock.nanoTime())).as("the lease is kept by the failsafe checks").isTrue();

        quorumLost = false;
        for (int i = 0; i < 6; i++) {
            node1.runCycle();
            node2.runCycle();
            timers.advance(Duration.ofMillis(500));
        }
        assertThat(store.peek(SCOPE).isLeader("node1")).as("quorum back: node1 still holds the key").isTrue();
        assertThat(pg1.acceptsWrites()).isTrue();
    }

    @Test
    void r40_withoutEveryMembersConfirmationTheLeaseStillEndsOnTime() {
        twoNodeCluster();
        peers.confirm = false;
        quorumLost = true;
        assertThat(node1.lease().holds(clock.nanoTime())).isTrue();
        node1.runCycle(); // hangs 3 s in the read, fails its own check
        timers.advance(Duration.ofSeconds(2));
        assertThat(node1.lease().holds(clock.nanoTime())).as("no confirmation, no lease").isFalse();
        assertThat(pg1.acceptsWrites()).as("R40: demoted without every member's confirmation: " + pg1).isFalse();
    }

    private void twoNodeCluster() {
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() && store.peek(SCOPE).isLeader("node1")); i++) {
            cycles(1);
        }
        for (int i = 0; i < 40 && !pg2.streaming(); i++) {
            cycles(1);
            pg2.replicate(1 << 20);
        }
        cycles(2);
        assertThat(pg1.acceptsWrites()).as("node1 leads: " + pg1).isTrue();
        assertThat(pg2.streaming()).as("node2 streams: " + pg2).isTrue();
        assertThat(store.peek(SCOPE).failsafe()).containsKeys("node1", "node2");
    }

    private void cycles(int n) {
        for (int i = 0; i < n; i++) {
            node1.runCycle();
            node2.runCycle();
            timers.advance(Duration.ofMillis(500));
        }
    }

    /** The store's client, whose every call hangs for retry_timeout and then fails while quorum is lost. */
    private Dcs hanging(InMemoryDcs inner) {
        return LoopKit.failingWhile(inner, () -> quorumLost, () -> timers.advance(READ_HANG),
                "no cluster leader (test: quorum lost)");
    }

    private HaLoop loop(String name, String host, FakePostgres fake) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 2, "retry_timeout", 3,
                "failsafe_mode", true));
        Dcs dcs = name.equals("node1") ? hanging(store.client(name, SCOPE, 10)) : store.client(name, SCOPE, 10);
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock, dcs, fake, peers,
                new LoopKit.InlineSlot(clock), Callbacks.NONE, timers, null);
        return new HaLoop(ctx, HaDecider::decide);
    }
}
