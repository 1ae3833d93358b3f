package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.status.HaEvent;
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
 * Issue 18 through the real loop (style guideline 19: the event log has a writer outside
 * tests): a bootstrap, then the leader dies and the replica's own log tells the failover with
 * the decider's reason and the role changes it went through.
 */
class EventLogLoopTest {

    private static final String SCOPE = "events";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);

    @Test
    void aFailoverIsInTheNewLeadersEventLog() {
        HaLoop loop1 = loop("node1", "127.0.0.1", pg1);
        HaLoop loop2 = loop("node2", "127.0.0.2", pg2);
        for (int i = 0; i < 40 && !pg2.streaming(); i++) {
            loop1.runCycle();
            loop2.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 streams from node1: " + pg2).isTrue();
        assertThat(loop1.events().recent()).extracting(HaEvent::kind).contains("bootstrap", "role");
        assertThat(loop2.events().recent()).extracting(HaEvent::kind).doesNotContain("failover");
        // node1 dies: its PostgreSQL crashes and its loop stops renewing, so the session expires.
        pg1.crash();
        for (int i = 0; i < 80 && !pg2.acceptsWrites(); i++) {
            loop2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.acceptsWrites()).as("node2 promoted: " + pg2).isTrue();
        assertThat(loop2.events().recent()).as(loop2.events().recent().toString())
                .anySatisfy(e -> {
                    assertThat(e.kind()).isEqualTo("failover");
                    assertThat(e.reason()).isEqualTo("PROMOTED_BY_ACQUIRING_LOCK");
                    assertThat(e.member()).isEqualTo("node2");
                    assertThat(e.message()).isNotBlank();
                })
                .anySatisfy(e -> assertThat(e.reason()).isEqualTo(Role.REPLICA.wire() + " -> " + Role.PROMOTED.wire()))
                .anySatisfy(e -> assertThat(e.reason()).isEqualTo(Role.PROMOTED.wire() + " -> " + Role.PRIMARY.wire()));
    }

    private HaLoop loop(String name, String host, FakePostgres fake) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3));
        Callbacks callbacks = new Callbacks() {
            @Override
            public void fire(CallbackEvent event, Role role) {
                // not asserted here
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
