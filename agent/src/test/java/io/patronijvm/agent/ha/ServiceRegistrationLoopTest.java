package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.ServiceRegistration;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Tags;
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
import java.util.Objects;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec 2.6 through the real loop and decider on an in-memory DCS: each node registers its service
 * once it runs in a known role, again only when role, state or URLs change (not every cycle),
 * and withdraws it on shutdown (R63).
 */
class ServiceRegistrationLoopTest {

    private static final String SCOPE = "svc";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final Node node1 = new Node("node1", "127.0.0.1");
    private final Node node2 = new Node("node2", "127.0.0.2");

    @Test
    void leaderAndReplicaRegisterOnceAndReRegisterOnlyOnARoleChange() {
        runUntil(() -> running(node1, "master") && running(node2, "replica"));
        int calls1 = node1.dcs.serviceCalls().size();
        int calls2 = node2.dcs.serviceCalls().size();
        for (int i = 0; i < 20; i++) {
            cycleBoth();
        }
        // Unchanged role, state and URLs: no further request to Consul.
        assertThat(node1.dcs.serviceCalls()).hasSize(calls1);
        assertThat(node2.dcs.serviceCalls()).hasSize(calls2);
        assertThat(last(node1)).isEqualTo(new ServiceRegistration("master", "running",
                "postgres://127.0.0.1:5432/postgres", "http://127.0.0.1:8008/patroni"));
        assertThat(last(node2).role()).isEqualTo("replica");
    }

    @Test
    void shutdownWithdrawsTheServiceOfAStoppedNode() {
        runUntil(() -> running(node1, "master") && running(node2, "replica"));
        node2.loop.requestShutdown();
        node2.loop.runCycle();
        assertThat(node2.loop.stopped()).as("R63: the loop ends after the shutdown cycle").isTrue();
        assertThat(node2.pg.running()).isFalse();
        List<ServiceRegistration> calls = node2.dcs.serviceCalls();
        assertThat(calls.get(calls.size() - 1)).as("last service call is a deregistration: " + calls).isNull();
    }

    private static ServiceRegistration last(Node n) {
        List<ServiceRegistration> calls = n.dcs.serviceCalls();
        return calls.isEmpty() ? null : calls.get(calls.size() - 1);
    }

    private static boolean running(Node n, String role) {
        ServiceRegistration r = last(n);
        return r != null && role.equals(r.role()) && "running".equals(r.state());
    }

    private void runUntil(BooleanSupplier done) {
        for (int i = 0; i < 200 && !done.getAsBoolean(); i++) {
            cycleBoth();
        }
        assertThat(done.getAsBoolean()).as("registrations: node1 %s, node2 %s", node1.dcs.serviceCalls(),
                node2.dcs.serviceCalls()).isTrue();
    }

    private void cycleBoth() {
        node1.loop.runCycle();
        node2.loop.runCycle();
        clock.advance(Duration.ofMillis(500));
    }

    /** One host: a FakePostgres and the real HaLoop over an inline async slot. */
    private final class Node {
        final InMemoryDcs dcs;
        final FakePostgres pg;
        final HaLoop loop;

        Node(String name, String host) {
            dcs = store.client(name, SCOPE, 10);
            pg = new FakePostgres(name, host, 5432, network);
            Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1,
                    "retry_timeout", 3));
            HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                    "http://" + host + ":8008/patroni", Tags.NONE,
                    new LocalSettings(true, true, false, false, false, "off"), null, bootstrapDcs,
                    Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock, dcs, pg,
                    (members, timeout) -> peers(members), new LoopKit.InlineSlot(clock), Callbacks.NONE,
                    new LoopKit.NeverFires(), null);
            loop = new HaLoop(ctx, HaDecider::decide);
        }

        private Map<String, PeerStatus> peers(List<io.patronijvm.core.model.Member> members) {
            Map<String, PeerStatus> out = new LinkedHashMap<>();
            for (var m : members) {
                Node n = Objects.equals(m.name(), node1.pg.name()) ? node1 : node2;
                out.put(m.name(), new PeerStatus(m.name(), n.pg.running(), n.pg.acceptsWrites(), n.pg.lsn(),
                        n.pg.chain() == null ? 0 : n.pg.chain().timeline(), false, 1, false));
            }
            return out;
        }
    }
}
