package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerClient;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R32 and decision 4 through the real loop and decider (InMemoryDcs, FakePostgres, inline async
 * slot on a FakeClock): after the fast stop of a switchover the leader asks the candidate for its
 * WAL position every 100 ms and releases the key as soon as it has the shutdown checkpoint, not
 * after loop_wait (10 s here); when nobody catches up it releases after the 10 s bound anyway.
 */
class SwitchoverReleaseLoopTest {

    private static final String SCOPE = "switch";
    private static final int LOOP_WAIT = 10;
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private final FakePostgres pg3 = new FakePostgres("node3", "127.0.0.3", 5432, network);
    private final ScriptedPeers peers = new ScriptedPeers();
    private long releasedAt = Long.MIN_VALUE;
    private final HaLoop leader = loop("node1", "127.0.0.1", pg1, Tags.NONE);
    private final HaLoop replica = loop("node2", "127.0.0.2", pg2, Tags.NONE);
    private final HaLoop noFailover = loop("node3", "127.0.0.3", pg3, new Tags(Map.of("nofailover", true)));

    @Test
    void r32_releasesTheKeyRightAfterTheCandidateReportsTheShutdownCheckpoint() {
        startCluster();
        peers.behindForRounds = 3;
        requestSwitchover("node2");
        leader.runCycle();

        assertThat(releasedAt).as("leader key released").isNotEqualTo(Long.MIN_VALUE);
        assertThat(store.peek(SCOPE).leader()).as("no leader key after the release").isNull();
        List<Long> after = peers.probesAfterStop;
        assertThat(after).as("probes after the stop: three behind, the fourth has the checkpoint").hasSize(4);
        assertThat(Duration.ofNanos(releasedAt - after.get(0)))
                .as("release 3 polls after the first probe, not loop_wait (%d s) later", LOOP_WAIT)
                .isEqualTo(SwitchoverRelease.POLL.multipliedBy(3))
                .isLessThan(Duration.ofMillis(500));
        assertThat(peers.askedAfterStop).as("only the named candidate is asked").containsOnly(List.of("node2"));
        assertThat(peers.timeouts).allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(store.peek(SCOPE).status().optime()).as("status.optime = the shutdown checkpoint")
                .isEqualTo(pg1.latestCheckpointLsn());
    }

    @Test
    void r32_releasesAfterTheTenSecondBoundWhenNoCandidateCatchesUp() {
        startCluster();
        peers.behindForRounds = Integer.MAX_VALUE;
        requestSwitchover("node2");
        leader.runCycle();

        assertThat(releasedAt).as("leader key released even though nobody caught up").isNotEqualTo(Long.MIN_VALUE);
        Duration waited = Duration.ofNanos(releasedAt - peers.probesAfterStop.get(0));
        assertThat(waited).as("bounded wait").isBetween(SwitchoverRelease.MAX_WAIT.minus(SwitchoverRelease.POLL),
                SwitchoverRelease.MAX_WAIT.plus(SwitchoverRelease.POLL));
        assertThat(store.peek(SCOPE).leader()).isNull();
        assertThat(store.peek(SCOPE).status().optime()).isEqualTo(pg1.latestCheckpointLsn());
    }

    @Test
    void r63_withoutANamedCandidateEveryReplicaThatMayTakeOverIsAskedButNotANofailoverOne() {
        startCluster();
        var view = store.peek(SCOPE);
        assertThat(SwitchoverRelease.candidates(view, "node1", false)).extracting(Member::name)
                .containsExactly("node2");
        assertThat(SwitchoverRelease.candidates(view, "node2", false)).extracting(Member::name)
                .containsExactly("node1");
    }

    @Test
    void decision4_aReplicasRestStatusShowsItsReceivedWalAtOnceNotAtItsNextCycle() {
        startCluster();
        long published = replica.snapshot().pg().walPosition();
        pg1.write(8_192);
        pg2.replicate(1 << 20);
        clock.advance(FreshStatus.MAX_AGE.plusMillis(1));

        assertThat(replica.snapshot().pg().walPosition()).as("the loop's snapshot waits for the next cycle")
                .isEqualTo(published);
        assertThat(replica.restSnapshot().pg().walPosition()).as("what GET /patroni reports")
                .isEqualTo(pg2.lsn()).isGreaterThan(published);
        assertThat(leader.restSnapshot()).as("a primary's status is the loop's, untouched")
                .isSameAs(leader.snapshot());
    }

    /** Patroni asks PostgreSQL on every GET /replica: a replica whose postmaster died answers 503 at once. */
    @Test
    void aReplicaWhosePostgresDiedIsNotReportedRunningUntilItsNextCycle() {
        startCluster();
        assertThat(replica.restSnapshot().pg().runState()).isEqualTo(io.patronijvm.core.pg.PgRunState.RUNNING);
        pg2.crash();
        clock.advance(FreshStatus.MAX_AGE.plusMillis(1));

        assertThat(replica.snapshot().pg().runState()).as("the loop's snapshot waits for the next cycle")
                .isEqualTo(io.patronijvm.core.pg.PgRunState.RUNNING);
        assertThat(replica.restSnapshot().pg().runState()).as("what GET /replica sees")
                .isNotEqualTo(io.patronijvm.core.pg.PgRunState.RUNNING);
    }

    private void startCluster() {
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() && store.peek(SCOPE).isLeader("node1")); i++) {
            leader.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg1.acceptsWrites()).as("node1 bootstrapped and leads: " + pg1).isTrue();
        for (int i = 0; i < 60 && !(pg2.streaming() && pg3.streaming()); i++) {
            replica.runCycle();
            noFailover.runCycle();
            leader.runCycle();
            pg2.replicate(1 << 20);
            pg3.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming() && pg3.streaming()).as("replicas stream: " + pg2 + " " + pg3).isTrue();
        replica.runCycle();
        noFailover.runCycle();
    }

    private void requestSwitchover(String candidate) {
        assertThat(store.client("ctl", SCOPE).writeFailover(new Failover("node1", candidate, null, 0), -1).ok())
                .isTrue();
    }

    private HaLoop loop(String name, String host, FakePostgres fake, Tags tags) {
        Dcs dcs = recordingRelease(store.client(name, SCOPE, 30));
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(
                Map.of("ttl", 30, "loop_wait", LOOP_WAIT, "retry_timeout", 10));
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", tags, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock, dcs, fake, peers,
                new LoopKit.InlineSlot(clock), Callbacks.NONE, new LoopKit.NeverFires(), null);
        return new HaLoop(ctx, HaDecider::decide);
    }

    /** The DCS, noting when the leader key is released. */
    private Dcs recordingRelease(Dcs target) {
        return (Dcs) Proxy.newProxyInstance(Dcs.class.getClassLoader(), new Class<?>[] {Dcs.class},
                (proxy, method, args) -> {
                    try {
                        Object out = method.invoke(target, args);
                        if (method.getName().equals("releaseLeader") && releasedAt == Long.MIN_VALUE) {
                            releasedAt = clock.nanoTime();
                        }
                        return out;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * GET /patroni of the replicas: their real position, except that once node1 is stopped
     * the first {@code behindForRounds} answers are still from before its shutdown checkpoint.
     */
    private final class ScriptedPeers implements PeerClient {
        int behindForRounds;
        final List<Long> probesAfterStop = new ArrayList<>();
        final List<List<String>> askedAfterStop = new ArrayList<>();
        final List<Duration> timeouts = new ArrayList<>();

        @Override
        public Map<String, PeerStatus> probe(List<Member> members, Duration timeout) {
            boolean afterStop = !pg1.running();
            if (afterStop) {
                probesAfterStop.add(clock.nanoTime());
                askedAfterStop.add(members.stream().map(Member::name).toList());
                timeouts.add(timeout);
            }
            boolean behind = afterStop && probesAfterStop.size() <= behindForRounds;
            Map<String, PeerStatus> out = new LinkedHashMap<>();
            for (Member m : members) {
                FakePostgres pg = m.name().equals("node2") ? pg2 : m.name().equals("node3") ? pg3 : pg1;
                long wal = behind ? pg1.latestCheckpointLsn() - 1 : pg.observe().walPosition();
                if (afterStop && !behind && pg != pg1) {
                    wal = Math.max(wal, pg1.latestCheckpointLsn()); // streamed the shutdown checkpoint
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
