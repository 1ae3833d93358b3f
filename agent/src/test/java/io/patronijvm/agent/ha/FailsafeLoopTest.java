package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.Action;
import io.patronijvm.core.ha.AttemptResult;
import io.patronijvm.core.ha.Decision;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.HaInput;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.status.IntentResult;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failsafe mode (spec 3.10, R40 to R43) through the real loop and decider on an in-memory DCS:
 * the leader keeps {@code /failsafe} current, rides out a DCS outage while every member confirms,
 * demotes when one does not, and a replica that accepted the failsafe primary does not race.
 */
class FailsafeLoopTest {

    private static final String SCOPE = "fs";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakeFailsafePeers peers = new FakeFailsafePeers();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final HaLoop node1 = loop("node1", "127.0.0.1", pg1);
    /** Runs in node2's decider, between what its cycle read and what it does: a POST arriving then. */
    private volatile BiConsumer<HaInput, Decision> node2Hook = (in, d) -> { };
    private final HaLoop node2 = loop("node2", "127.0.0.2", pg2, true, in -> {
        Decision d = HaDecider.decide(in);
        node2Hook.accept(in, d);
        return d;
    });

    /** Probes find nobody; failsafe POSTs are answered by {@link #confirm} and recorded. */
    static final class FakeFailsafePeers implements PeerClient {
        volatile boolean confirm = true;
        final List<Map<String, String>> asked = new CopyOnWriteArrayList<>();
        final List<Map<String, Object>> bodies = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, PeerStatus> probe(List<Member> members, Duration timeout) {
            Map<String, PeerStatus> out = new LinkedHashMap<>();
            members.forEach(m -> out.put(m.name(), PeerStatus.unreachable(m.name())));
            return out;
        }

        @Override
        public boolean confirmFailsafe(Map<String, String> apiUrls, Map<String, Object> body, Duration timeout) {
            asked.add(apiUrls);
            bodies.add(body);
            return confirm;
        }
    }

    @Test
    void r43_leaderWritesEveryMemberIntoFailsafe() {
        twoNodeCluster();
        assertThat(store.peek(SCOPE).failsafe()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "node1", "http://127.0.0.1:8008/patroni", "node2", "http://127.0.0.2:8008/patroni"));
    }

    @Test
    void r40_primaryRidesOutADcsOutageWhileEveryMemberConfirms() {
        twoNodeCluster();
        store.setAvailable(false);
        long outageStart = clock.nanoTime();
        for (int i = 0; i < 40; i++) { // 20 s of outage, ttl is 10
            node1.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg1.acceptsWrites()).as("R40: still primary after 20 s without DCS: " + pg1).isTrue();
        assertThat(node1.snapshot().failsafeActive()).isTrue();
        assertThat(node1.snapshot().lastMessage()).isEqualTo(
                "continue to run as a leader because failsafe mode is enabled and all members are accessible");
        assertThat(peers.asked).isNotEmpty().allSatisfy(m -> assertThat(m).containsOnlyKeys("node2"));
        assertThat(peers.bodies.getLast()).containsEntry("name", "node1")
                .containsEntry("api_url", "http://127.0.0.1:8008/patroni")
                .containsEntry("conn_url", "postgres://127.0.0.1:5432/postgres").containsKey("slots");
        assertThat(node1.lease().validUntilNanos() - outageStart)
                .as("decision 3: the confirmed failsafe check renews the provable lease")
                .isGreaterThan(Duration.ofSeconds(15).toNanos());

        store.setAvailable(true);
        cycles(4);
        assertThat(pg1.acceptsWrites()).as("DCS back: still the leader " + pg1).isTrue();
        assertThat(store.peek(SCOPE).isLeader("node1")).isTrue();
        assertThat(node1.snapshot().failsafeActive()).isFalse();
    }

    @Test
    void r40_primaryDemotesWhenAMemberDoesNotConfirm() {
        twoNodeCluster();
        peers.confirm = false;
        store.setAvailable(false);
        node1.runCycle();
        assertThat(pg1.acceptsWrites()).as("R40: demoted offline: " + pg1).isFalse();
        assertThat(node1.snapshot().failsafeActive()).isFalse();
        assertThat(peers.asked).hasSize(1);
    }

    @Test
    void r40_failsafeOffDemotesWithoutAskingAnyone() {
        store.setAvailable(true);
        HaLoop plain = loop("node3", "127.0.0.3", new FakePostgres("node3", "127.0.0.3", 5432, network), false);
        for (int i = 0; i < 40 && !store.peek("plain").isLeader("node3"); i++) {
            plain.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(store.peek("plain").isLeader("node3")).isTrue();
        store.setAvailable(false);
        plain.runCycle();
        assertThat(plain.snapshot().lastMessage())
                .isEqualTo("demoted self because DCS is not accessible and I was a leader");
        assertThat(peers.asked).isEmpty();
    }

    @Test
    void r42_replicaFollowsTheCachedFailsafePrimaryInsteadOfRacing() {
        twoNodeCluster();
        assertThat(node2.acceptFailsafe("node1", "postgres://127.0.0.1:5432/postgres",
                "http://127.0.0.1:8008/patroni").kind()).isEqualTo(io.patronijvm.core.status.IntentResult.Kind.DONE);
        store.expireSession("node1"); // the leader key and node1's member key are gone
        for (int i = 0; i < 10; i++) { // 5 s: within ttl of the announcement
            node2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(store.peek(SCOPE).leader()).as("R42: node2 did not take the key").isNull();
        assertThat(pg2.acceptsWrites()).as("R42: node2 was not promoted " + pg2).isFalse();
        assertThat(node2.restSnapshot().failsafeActive()).as("a replica shows failsafe_mode_is_active while the "
                + "primary's announcement is fresh, as Patroni's Failsafe.is_active").isTrue();

        clock.advance(Duration.ofSeconds(10)); // the cache (ttl 10) runs out: the race is open again
        for (int i = 0; i < 20 && store.peek(SCOPE).leader() == null; i++) {
            node2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(store.peek(SCOPE).isLeader("node2")).as("after ttl node2 races and wins").isTrue();
        assertThat(node2.restSnapshot().failsafeActive()).as("the announcement is older than ttl").isFalse();
    }

    /**
     * Chaos finding (50% loss on the primary's links): node2's cycle read a view without leader
     * key and decided to race; node1's POST /failsafe arrived before the acquire. node2 answered
     * 200 and took the key anyway, while node1 counted the promise from before it asked and kept
     * running as primary: 669 ms with two primaries. A promise given must stop the race.
     */
    @Test
    void r42_anAnnouncementBetweenTheReadAndTheAcquireStopsTheRace() {
        twoNodeCluster();
        List<IntentResult> answers = new CopyOnWriteArrayList<>();
        node2Hook = (in, d) -> {
            if (answers.isEmpty() && d.actions().stream().anyMatch(a -> a instanceof Action.AcquireLock)) {
                answers.add(announceToNode2());
            }
        };
        store.expireSession("node1");
        for (int i = 0; i < 6; i++) { // 3 s: within ttl of the announcement
            node2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(answers).as("node2 decided to race").hasSize(1);
        assertThat(answers.getFirst().kind()).isEqualTo(IntentResult.Kind.DONE);
        assertThat(store.peek(SCOPE).leader()).as("node2 promised node1 not to race, so it must not hold the key")
                .isNull();
        assertThat(pg2.acceptsWrites()).as("node2 not promoted: " + pg2).isFalse();
    }

    /**
     * The same race one step later: node2 holds the key but is not primary yet (the promotion
     * follows). A POST /failsafe then must be refused, or node1 keeps running beside it.
     */
    @Test
    void r42_aNodeThatWonTheKeyRefusesTheAnnouncementBeforeItIsPromoted() {
        twoNodeCluster();
        List<IntentResult> answers = new CopyOnWriteArrayList<>();
        node2Hook = (in, d) -> {
            if (answers.isEmpty() && in.lastAttempt() == AttemptResult.ACQUIRED) {
                answers.add(announceToNode2());
            }
        };
        store.expireSession("node1");
        for (int i = 0; i < 20 && answers.isEmpty(); i++) {
            node2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(store.peek(SCOPE).isLeader("node2")).as("node2 won the race").isTrue();
        assertThat(answers).hasSize(1);
        assertThat(answers.getFirst().kind()).as("the key holder refuses: " + answers.getFirst())
                .isEqualTo(IntentResult.Kind.REFUSED);
    }

    private IntentResult announceToNode2() {
        return node2.acceptFailsafe("node1", "postgres://127.0.0.1:5432/postgres", "http://127.0.0.1:8008/patroni");
    }

    @Test
    void r42_aRunningPrimaryRefusesTheAnnouncement() {
        twoNodeCluster();
        assertThat(node1.acceptFailsafe("node2", null, null).message()).isEqualTo("Running as a leader");
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
    }

    private void cycles(int n) {
        for (int i = 0; i < n; i++) {
            node1.runCycle();
            node2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
    }

    private HaLoop loop(String name, String host, FakePostgres fake) {
        return loop(name, host, fake, true);
    }

    private HaLoop loop(String name, String host, FakePostgres fake, boolean failsafe) {
        return loop(name, host, fake, failsafe, HaDecider::decide);
    }

    private HaLoop loop(String name, String host, FakePostgres fake, boolean failsafe,
                        Function<HaInput, Decision> decider) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3,
                "failsafe_mode", failsafe));
        HaContext ctx = new HaContext(name, failsafe ? SCOPE : "plain", "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                store.client(name, failsafe ? SCOPE : "plain", 10), fake, peers, new LoopKit.InlineSlot(clock),
                Callbacks.NONE, new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, decider);
    }
}
