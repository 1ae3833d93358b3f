package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.ha.RewindState;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerStatus;
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
 * R13 through the real loop: the first time PostgreSQL is seen running the agent fires
 * {@code on_start} once (not every cycle) and triggers the divergence check (R37), so a node
 * that comes back after a crash checks its history against the leader before it follows.
 */
class OnStartLoopTest {

    private static final String SCOPE = "onstart";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final List<CallbackEvent> fired1 = new ArrayList<>();
    private final List<CallbackEvent> fired2 = new ArrayList<>();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final HaLoop loop1 = loop("node1", "127.0.0.1", pg1, fired1);

    @Test
    void r13_onStartFiresOnceNotEveryCycle() {
        for (int i = 0; i < 20; i++) {
            loop1.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg1.acceptsWrites()).as("node1 leads: " + pg1).isTrue();
        assertThat(fired1).filteredOn(e -> e == CallbackEvent.ON_START).hasSize(1);
    }

    @Test
    void r13_aReplicaSeenRunningForTheFirstTimeChecksDivergenceWithTheLeader() {
        HaLoop loop2 = loop("node2", "127.0.0.2", pg2, fired2);
        for (int i = 0; i < 40 && !(pg2.streaming() && loop2.state().memory().pgSeenRunning()); i++) {
            loop1.runCycle();
            loop2.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        for (int i = 0; i < 3; i++) {
            loop1.runCycle();
            loop2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 streams from node1: " + pg2).isTrue();
        assertThat(loop2.state().memory().rewind()).as("R37 ran after the first start (INITIAL: it never ran)")
                .isEqualTo(RewindState.NOT_NEEDED);
        assertThat(loop2.state().memory().pgSeenRunning()).isTrue();
        assertThat(fired2).filteredOn(e -> e == CallbackEvent.ON_START).hasSize(1);
    }

    /** Patroni applies tags from a reloaded patroni.yml at once: the next cycle decides with and publishes them. */
    @Test
    void reloadedTagsArePublishedByTheNextCycle() {
        for (int i = 0; i < 20 && !pg1.acceptsWrites(); i++) {
            loop1.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(loop1.restSnapshot().tags().all()).doesNotContainKey("new_tag");
        loop1.offerTags(new Tags(Map.of("new_tag", "new_value", "nofailover", true)));
        loop1.runCycle();
        assertThat(loop1.restSnapshot().tags().all()).containsEntry("new_tag", "new_value");
        assertThat(store.peek(SCOPE).member("node1").orElseThrow().tags().all()).containsEntry("new_tag", "new_value")
                .containsEntry("nofailover", true);
    }

    private HaLoop loop(String name, String host, FakePostgres fake, List<CallbackEvent> fired) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3));
        Callbacks callbacks = new Callbacks() {
            @Override
            public void fire(CallbackEvent event, Role role) {
                fired.add(event);
            }

            @Override
            public boolean prePromote(Duration timeout) {
                return true;
            }

            @Override
            public void close() {
                // nothing runs
            }
        };
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                store.client(name, SCOPE, 10), fake, (members, timeout) -> {
                    Map<String, PeerStatus> out = new LinkedHashMap<>();
                    members.forEach(m -> out.put(m.name(), PeerStatus.unreachable(m.name())));
                    return out;
                }, new LoopKit.InlineSlot(clock), callbacks, new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, HaDecider::decide);
    }
}
