package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that cannot be created is retried at the next scheduled cycle, not at once (Patroni's
 * failed clone returns nothing that wakes its loop). The leader's PostgreSQL is down while its key
 * stays, so node2's clone fails before it copies anything; the fake clock does not move, so a
 * second cycle can only come from a wake-up. Before the fix every failed clone woke the loop and
 * the agent retried every few milliseconds ("creating replica failed" flooding the log).
 */
class CloneFailureBackoffLoopTest {

    private static final String SCOPE = "clonefail";
    private static final double TIMING = io.patronijvm.testkit.TimingMultiple.value();
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final HaLoop leader = loop("node1", "127.0.0.1", pg1);
    private final HaLoop replica = loop("node2", "127.0.0.2", pg2);
    private Thread running;

    @AfterEach
    void stopLoop() throws InterruptedException {
        if (running != null) {
            running.interrupt();
            running.join(Duration.ofSeconds(5));
            assertThat(running.isAlive()).as("the loop thread ended").isFalse();
        }
    }

    @Test
    void aFailedReplicaCreationWaitsForTheNextScheduledCycle() {
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() && store.peek(SCOPE).isLeader("node1")); i++) {
            leader.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg1.acceptsWrites()).as("node1 bootstrapped and leads: " + pg1).isTrue();
        pg1.crash();

        running = Thread.ofPlatform().name("ha-loop-node2").daemon().start(replica::run);

        Awaitility.await("node2's first cycle").atMost(Duration.ofMillis((long) (5_000 * TIMING)))
                .pollInterval(Duration.ofMillis(10))
                .failFast(() -> !running.isAlive())
                .until(() -> replica.snapshot() != null);
        long first = replica.snapshot().cycle();
        assertThat(pg2.running()).as("node2 could not be cloned: " + pg2).isFalse();
        Awaitility.await("no cycle before the next loop_wait").atMost(Duration.ofMillis((long) (3_000 * TIMING)))
                .during(Duration.ofMillis(800))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(replica.snapshot().cycle())
                        .as("cycles of node2 after the failed clone (state %s)", replica.snapshot().pg())
                        .isEqualTo(first));
    }

    private HaLoop loop(String name, String host, FakePostgres fake) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 30, "loop_wait", 10, "retry_timeout", 10));
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                store.client(name, SCOPE, 30), fake, new Peers(), new LoopKit.InlineSlot(clock), Callbacks.NONE,
                new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, HaDecider::decide);
    }

    /** Every member unreachable: only the DCS tells node2 who leads. */
    private static final class Peers implements PeerClient {
        @Override
        public Map<String, PeerStatus> probe(List<Member> members, Duration timeout) {
            Map<String, PeerStatus> out = new LinkedHashMap<>();
            for (Member m : members) {
                out.put(m.name(), PeerStatus.unreachable(m.name()));
            }
            return out;
        }
    }
}
