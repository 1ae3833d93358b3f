package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST API never lags the lock: once the DCS holds our leader key, what we serve says so.
 * Patroni answers from PostgreSQL per request and loads the cluster right after taking the lock;
 * Patroni's suite ("stand-alone server") asks {@code GET /} the moment it sees the key and wants
 * {@code running}/{@code master}. Real loop and decider, the long actions run inline (so the
 * cycle that started them publishes after them, with the view it read before the lock was taken).
 */
class RestStatusAfterLockLoopTest {

    private static final String SCOPE = "restlock";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final HaLoop loop1 = loop("node1", "127.0.0.1", pg1);
    private final HaLoop loop2 = loop("node2", "127.0.0.2", pg2);

    @Test
    void theCycleThatBootstrapsAndTakesTheLockPublishesARunningLockedPrimary() {
        for (int i = 0; i < 20 && !store.peek(SCOPE).isLeader("node1"); i++) {
            loop1.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(store.peek(SCOPE).isLeader("node1")).as("node1 bootstrapped and took the key").isTrue();
        assertRunningLockedPrimary(loop1.restSnapshot(), "node1");
    }

    @Test
    void theCycleThatTakesTheLockAndPromotesPublishesTheNewLeader() {
        for (int i = 0; i < 60 && !pg2.streaming(); i++) {
            loop1.runCycle();
            loop2.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 streams: " + pg2).isTrue();
        loop2.runCycle();
        pg1.crash(); // node1's agent is gone too: its key expires after ttl
        clock.advance(Duration.ofSeconds(11));
        for (int i = 0; i < 10 && !store.peek(SCOPE).isLeader("node2"); i++) {
            loop2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(store.peek(SCOPE).isLeader("node2")).as("node2 took over").isTrue();
        assertThat(pg2.acceptsWrites()).as("node2 promoted in the cycle that took the key: " + pg2).isTrue();
        assertRunningLockedPrimary(loop2.restSnapshot(), "node2");
    }

    private static void assertRunningLockedPrimary(StatusSnapshot s, String name) {
        assertThat(s.role()).as("role shown").isEqualTo(Role.PRIMARY);
        assertThat(s.pg().runState()).as("PostgreSQL state shown").isEqualTo(PgRunState.RUNNING);
        assertThat(s.pg().isPrimary()).as("PostgreSQL shown as primary").isTrue();
        assertThat(s.cluster().isLocked()).as("cluster shown locked (cluster_unlocked absent)").isTrue();
        assertThat(s.cluster().isLeader(name)).as("the view shown names us the leader").isTrue();
    }

    private HaLoop loop(String name, String host, FakePostgres fake) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3));
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                store.client(name, SCOPE, 10), fake, (members, timeout) -> {
                    Map<String, PeerStatus> out = new LinkedHashMap<>();
                    members.forEach(m -> out.put(m.name(), PeerStatus.unreachable(m.name())));
                    return out;
                }, new LoopKit.InlineSlot(clock), Callbacks.NONE, new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, HaDecider::decide);
    }
}
