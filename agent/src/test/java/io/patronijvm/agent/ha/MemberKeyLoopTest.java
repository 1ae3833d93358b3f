package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.pg.PostgresControl;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the member key is written, and from which observation. Patroni's first cycle writes a
 * missing member key before it decides or acts ({@code if not cluster.has_member(name):
 * touch_member()}), so a starting node shows in the DCS before its PostgreSQL is started or
 * cloned; a cycle that did not act writes what it observed, without a second query.
 */
class MemberKeyLoopTest {

    private static final String SCOPE = "memberfirst";
    private static final Set<String> READS = Set.of("observe", "observeReplicaProgress", "toString", "hashCode");
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Test
    void aStartingNodeWritesItsMemberKeyBeforeItActsOnPostgres() {
        HaLoop loop1 = loop("node1", "127.0.0.1", pg1, store.client("node1", SCOPE, 10));
        for (int i = 0; i < 20 && !pg1.acceptsWrites(); i++) {
            loop1.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg1.acceptsWrites()).as("node1 leads: " + pg1).isTrue();
        HaLoop loop2 = loop("node2", "127.0.0.2", recording(pg2), recording(store.client("node2", SCOPE, 10)));

        loop2.runCycle();

        int touched = calls.indexOf("dcs.touchMember");
        int acted = calls.indexOf("pg.cloneFrom");
        assertThat(acted).as("node2's first cycle clones: %s", calls).isNotNegative();
        assertThat(touched).as("its member key written before: %s", calls).isNotNegative().isLessThan(acted);
    }

    @Test
    void aRestartedAgentRewritesItsPreviousRunsKeyBeforeItStartsPostgres() {
        HaLoop loop1 = loop("node1", "127.0.0.1", pg1, store.client("node1", SCOPE, 10));
        HaLoop before = loop("node2", "127.0.0.2", pg2, store.client("node2", SCOPE, 10));
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() && pg2.streaming()); i++) {
            loop1.runCycle();
            before.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 streams: " + pg2).isTrue();
        pg2.crash(); // the previous run stopped with its PostgreSQL; its member key is still there
        assertThat(store.peek(SCOPE).member("node2")).isPresent();
        HaLoop after = loop("node2", "127.0.0.2", recording(pg2), recording(store.client("node2", SCOPE, 10)));

        after.runCycle();

        int touched = calls.indexOf("dcs.touchMember");
        int started = calls.indexOf("pg.start");
        assertThat(started).as("the new run starts PostgreSQL: %s", calls).isNotNegative();
        assertThat(touched).as("after writing its member key: %s", calls).isNotNegative().isLessThan(started);
    }

    @Test
    void aNodeWhoseDataBelongsToAnotherClusterNeverAppearsAmongItsMembers() {
        HaLoop loop1 = loop("node1", "127.0.0.1", pg1, store.client("node1", SCOPE, 10));
        for (int i = 0; i < 20 && !pg1.acceptsWrites(); i++) {
            loop1.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg1.acceptsWrites()).as("node1 leads: " + pg1).isTrue();
        // node2's data directory was initialized by a cluster of its own (another system identifier).
        HaLoop elsewhere = new HaLoop(context("node2", "127.0.0.2", pg2, store.client("node2", "elsewhere", 10), "elsewhere"),
                HaDecider::decide);
        for (int i = 0; i < 20 && !pg2.acceptsWrites(); i++) {
            elsewhere.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.observe().sysid()).isNotEqualTo(pg1.observe().sysid());
        HaLoop loop2 = loop("node2", "127.0.0.2", pg2, store.client("node2", SCOPE, 10));

        loop2.runCycle();

        assertThat(loop2.snapshot().lastMessage()).contains("belongs to a different cluster");
        assertThat(store.peek(SCOPE).member("node2")).as("node2 in %s's members", SCOPE).isEmpty();
    }

    @Test
    void aQuietCycleObservesPostgresOnceAndWritesThatIntoTheMemberKey() {
        HaLoop loop1 = loop("node1", "127.0.0.1", pg1, store.client("node1", SCOPE, 10));
        HaLoop loop2 = loop("node2", "127.0.0.2", recording(pg2), store.client("node2", SCOPE, 10));
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() && pg2.streaming()); i++) {
            loop1.runCycle();
            loop2.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 streams: " + pg2).isTrue();
        for (int i = 0; i < 3; i++) {
            loop1.runCycle();
            loop2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(loop2.snapshot().lastMessage()).startsWith("no action");
        calls.clear();
        pg2.replicate(1 << 20);

        loop2.runCycle();

        assertThat(calls).as("one observation in a cycle without actions").containsOnlyOnce("pg.observe");
        assertThat(store.peek(SCOPE).member("node2").orElseThrow().wal())
                .as("the member key shows that observation").hasValue(pg2.observe().walPosition());
    }

    private PostgresControl recording(FakePostgres fake) {
        return (PostgresControl) Proxy.newProxyInstance(PostgresControl.class.getClassLoader(),
                new Class<?>[] {PostgresControl.class}, (p, m, args) -> {
                    if (!READS.contains(m.getName()) || m.getName().equals("observe")) {
                        calls.add("pg." + m.getName());
                    }
                    return invoke(m, fake, args);
                });
    }

    private Dcs recording(Dcs dcs) {
        return (Dcs) Proxy.newProxyInstance(Dcs.class.getClassLoader(), new Class<?>[] {Dcs.class}, (p, m, args) -> {
            calls.add("dcs." + m.getName());
            return invoke(m, dcs, args);
        });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private HaLoop loop(String name, String host, PostgresControl pg, Dcs dcs) {
        return new HaLoop(context(name, host, pg, dcs, SCOPE), HaDecider::decide);
    }

    private HaContext context(String name, String host, PostgresControl pg, Dcs dcs, String scope) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3));
        return new HaContext(name, scope, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock, dcs, pg,
                (members, timeout) -> {
                    Map<String, PeerStatus> out = new LinkedHashMap<>();
                    members.forEach(m -> out.put(m.name(), PeerStatus.unreachable(m.name())));
                    return out;
                }, new LoopKit.InlineSlot(clock), new NoCallbacks(), new LoopKit.NeverFires(), null);
    }

    private static final class NoCallbacks implements Callbacks {
        @Override
        public void fire(io.patronijvm.core.ha.CallbackEvent event, io.patronijvm.core.model.Role role) {
            // none configured
        }

        @Override
        public boolean prePromote(Duration timeout) {
            return true;
        }

        @Override
        public void close() {
            // nothing runs
        }
    }
}
