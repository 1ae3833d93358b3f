package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.status.StatusSnapshot;
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
 * Decision 3 / R32 through the real loop and decider (InMemoryDcs, FakePostgres, inline async slot
 * on a FakeClock): when a long action ends (here the demotion of a switchover) the slot's completion
 * wakes {@link HaLoop#run()}, so the next cycle observes and publishes the demoted node at once.
 * The fake clock does not move while {@code run()} waits, so without the wake-up no second cycle
 * ever comes and the published snapshot keeps PostgreSQL as observed before the demotion, a
 * writable primary (what GET /primary and HAProxy read).
 */
class LongActionWakeupLoopTest {

    private static final String SCOPE = "wakeup";
    private static final int LOOP_WAIT = 10;
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
    void decision3_r32_theEndOfASwitchoverDemotionPublishesTheReplicaAtOnceNotAtTheNextLoopWait() {
        startCluster();
        StatusSnapshot before = leader.snapshot();
        assertThat(before.role()).isEqualTo(Role.PRIMARY);
        assertThat(before.leaseValidUntilNanos()).as("a primary publishes its lease").isNotEqualTo(Long.MIN_VALUE);
        assertThat(store.client("ctl", SCOPE).writeFailover(new Failover("node1", "node2", null, 0), -1).ok())
                .isTrue();
        long startedAt = clock.nanoTime();

        running = Thread.ofPlatform().name("ha-loop-node1").daemon().start(leader::run);

        // Cycle 1 of run() demotes (the inline slot finishes the long action inside it); only the
        // slot's wake-up can start cycle 2, since the fake clock never reaches the next loop_wait.
        long woken = before.cycle() + 2;
        Awaitility.await("the cycle after the demotion").atMost(Duration.ofMillis((long) (5_000 * TIMING)))
                .pollInterval(Duration.ofMillis(10))
                .failFast(() -> !running.isAlive())
                .untilAsserted(() -> assertThat(leader.snapshot().cycle())
                        .as("cycle of the last snapshot (role %s, published pg primary %s)", leader.snapshot().role(),
                                leader.snapshot().pg().isPrimary())
                        .isGreaterThanOrEqualTo(woken));
        StatusSnapshot after = leader.snapshot();
        assertThat(store.peek(SCOPE).leader()).as("the switchover released the leader key").isNull();
        assertThat(after.role()).as("role published after the demotion").isNotEqualTo(Role.PRIMARY);
        assertThat(after.pg().isPrimary()).as("PostgreSQL as published: " + after.pg()).isFalse();
        assertThat(after.leaseValidUntilNanos()).as("no lease published after the demotion")
                .isEqualTo(Long.MIN_VALUE);
        assertThat(after.holdsLease(clock.nanoTime())).isFalse();
        assertThat(Duration.ofNanos(after.publishedAtNanos() - startedAt))
                .as("published without waiting for loop_wait (%d s)", LOOP_WAIT)
                .isLessThan(Duration.ofSeconds(LOOP_WAIT));
    }

    private void startCluster() {
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() && store.peek(SCOPE).isLeader("node1")); i++) {
            leader.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg1.acceptsWrites()).as("node1 bootstrapped and leads: " + pg1).isTrue();
        for (int i = 0; i < 60 && !pg2.streaming(); i++) {
            replica.runCycle();
            leader.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 streams: " + pg2).isTrue();
        replica.runCycle();
        leader.runCycle();
    }

    private HaLoop loop(String name, String host, FakePostgres fake) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(
                Map.of("ttl", 30, "loop_wait", LOOP_WAIT, "retry_timeout", 10));
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                store.client(name, SCOPE, 30), fake, new Peers(), new LoopKit.InlineSlot(clock), Callbacks.NONE,
                new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, HaDecider::decide);
    }

    /** GET /patroni of the members: once node1 is stopped the replica has its shutdown checkpoint. */
    private final class Peers implements PeerClient {
        @Override
        public Map<String, PeerStatus> probe(List<Member> members, Duration timeout) {
            Map<String, PeerStatus> out = new LinkedHashMap<>();
            for (Member m : members) {
                FakePostgres pg = m.name().equals("node2") ? pg2 : pg1;
                long wal = pg.observe().walPosition();
                if (!pg1.running() && pg != pg1) {
                    wal = Math.max(wal, pg1.latestCheckpointLsn());
                }
                out.put(m.name(), pg.running()
                        ? new PeerStatus(m.name(), true, pg.acceptsWrites(), wal, pg.chain().timeline(), false, 1,
                        false)
                        : PeerStatus.unreachable(m.name()));
            }
            return out;
        }
    }
}
