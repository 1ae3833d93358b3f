package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.ha.RestartIntent;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.status.IntentResult;
import io.patronijvm.core.status.RestartRequest;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.FakePostgres;
import io.patronijvm.testkit.InMemoryDcs;
import io.patronijvm.testkit.sim.FakePgNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica watches the leader key for the whole rest of loop_wait, as Patroni's does (issue 17:
 * not in 1 s slices), so a REST intent must cancel the watch in flight. The replica's watch here
 * blocks in real time until it is cancelled (or 30 s), on a clock that never moves by itself: only
 * the cancel can let the loop see the intent.
 */
class WatchWakeupLoopTest {

    private static final String SCOPE = "wwl";
    private final FakeClock clock = new FakeClock();
    private final FailsafeLeaseRescueLoopTest.ClockTimers timers = new FailsafeLeaseRescueLoopTest.ClockTimers(clock);
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    /** The wait each of node2's watches was given, in milliseconds. */
    private final List<Long> watchWaits = new CopyOnWriteArrayList<>();
    private volatile boolean blockWatches;
    private Thread runner;

    @AfterEach
    void stop() throws InterruptedException {
        if (runner != null) {
            runner.interrupt();
            runner.join(10_000);
        }
    }

    @Test
    void aRestartIntentCancelsTheWatchOfAReplicaAndIsDecidedAtOnce() throws Exception {
        HaLoop node2 = streamingReplica();

        blockWatches = true;
        runner = new Thread(node2, "ha-loop-node2");
        runner.start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watchWaits).isNotEmpty());
        assertThat(watchWaits.get(0)).as("the watch lasts the rest of loop_wait (2 s), not a 1 s slice")
                .isGreaterThan(1_000L).isLessThanOrEqualTo(2_000L);

        long t0 = System.nanoTime();
        CompletableFuture<IntentResult> answer = node2.intents()
                .offerRestart(new RestartIntent(new RestartRequest(null, null, 0, null, false), null));
        node2.wakeUp(); // what the REST API's POST /restart does (LoopNodeControl)
        IntentResult r = answer.get(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MEASURED restart intent decided %.3f s after the wake-up of a watching replica%n", seconds);
        assertThat(r.kind()).as("the restart: " + r).isEqualTo(IntentResult.Kind.DONE);
        assertThat(seconds).as("decided while the watch (blocking until cancelled) would still run").isLessThan(5);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watchWaits).hasSizeGreaterThan(1));
    }

    @Test
    void flushingAScheduledRestartCancelsTheWatchSoTheMemberKeyIsRewrittenAtOnce() throws Exception {
        HaLoop node2 = streamingReplica();
        io.patronijvm.agent.wiring.LoopNodeControl control =
                new io.patronijvm.agent.wiring.LoopNodeControl(node2, clock, null, () -> IntentResult.done("reloaded"));
        RestartRequest later = new RestartRequest(java.time.OffsetDateTime.parse("2099-01-01T00:00:00Z"), null, 0, null, false);
        assertThat(control.restart(later, Duration.ofSeconds(1)).kind()).isEqualTo(IntentResult.Kind.SCHEDULED);

        blockWatches = true;
        runner = new Thread(node2, "ha-loop-node2");
        runner.start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watchWaits).isNotEmpty());
        int watches = watchWaits.size();

        assertThat(control.cancelScheduledRestart().kind()).isEqualTo(IntentResult.Kind.DONE);
        // The blocked watch ends only when cancelled: a next watch means a cycle ran for the flush.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(watchWaits).hasSizeGreaterThan(watches));
    }

    /** node1 leads, node2 (whose watch can block, see {@link #blockingWatch}) streams from it; returns node2. */
    private HaLoop streamingReplica() {
        HaLoop node1 = loop("node1", "127.0.0.1", pg1, store.client("node1", SCOPE, 10));
        HaLoop node2 = loop("node2", "127.0.0.2", pg2, blockingWatch(store.client("node2", SCOPE, 10)));
        for (int i = 0; i < 40 && !pg2.streaming(); i++) {
            node1.runCycle();
            node2.runCycle();
            timers.advance(Duration.ofMillis(500));
            pg2.replicate(1 << 20);
        }
        assertThat(pg2.streaming()).as("node2 streams from node1: " + pg2).isTrue();
        return node2;
    }

    /** The store's client, whose leader watch blocks until cancelled while {@link #blockWatches} holds. */
    private Dcs blockingWatch(InMemoryDcs inner) {
        return (Dcs) Proxy.newProxyInstance(Dcs.class.getClassLoader(), new Class<?>[] {Dcs.class}, (p, m, args) -> {
            if (blockWatches && m.getName().equals("watchLeader") && args.length == 3) {
                watchWaits.add(((Duration) args[1]).toMillis());
                CountDownLatch cancelled = new CountDownLatch(1);
                try (WatchCancel.Registration ignored = ((WatchCancel) args[2]).onCancel(cancelled::countDown)) {
                    cancelled.await(30, TimeUnit.SECONDS);
                }
                return false;
            }
            try {
                return m.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private HaLoop loop(String name, String host, FakePostgres fake, Dcs dcs) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 2, "retry_timeout", 3));
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock, dcs, fake,
                new FailsafeLoopTest.FakeFailsafePeers(), new LoopKit.InlineSlot(clock), Callbacks.NONE, timers, null,
                null);
        return new HaLoop(ctx, HaDecider::decide);
    }
}
