package io.patronijvm.agent.ha;

import io.patronijvm.agent.watchdog.Watchdog;
import io.patronijvm.core.config.WatchdogConfig;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Tags;
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
 * A primary without the DCS: Patroni's offline demote stops PostgreSQL and starts it again as a
 * replica of nobody (read-only), so the node serves reads while the DCS is away. Ours must end the
 * same whichever way its lease ends: by the cycle's own demote, or by the lease timer (SelfFence
 * stops PostgreSQL at once) when the lease runs out between cycles or inside a DCS call. And it
 * must never be writable from the end of the lease on.
 */
class LeaseLapseWithoutDcsLoopTest {

    private static final String SCOPE = "lld";
    /** Longer than the lease (4 s at ttl 10): the lease ends inside the call. */
    private Duration callHang = Duration.ofSeconds(5);
    private final FakeClock clock = new FakeClock();
    private final FailsafeLeaseRescueLoopTest.ClockTimers timers = new FailsafeLeaseRescueLoopTest.ClockTimers(clock);
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();
    private final FailsafeLoopTest.FakeFailsafePeers peers = new FailsafeLoopTest.FakeFailsafePeers();
    private final FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
    private final FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
    private HaLoop node1;
    private HaLoop node2;
    private volatile boolean cutOff;
    private WatchdogLoopTest.Device device;

    @Test
    void r40_aPrimaryWhoseLeaseEndsInsideAHangingDcsCallComesBackReadOnly() {
        twoNodeCluster(false);
        cutOff = true;
        long cut = clock.nanoTime();
        long leaseEnd = cut + Duration.ofSeconds(4).toNanos();
        while (clock.nanoTime() - cut < Duration.ofSeconds(40).toNanos()) {
            node1.runCycle();
            node2.runCycle();
            timers.advance(Duration.ofMillis(500));
            pg2.replicate(1 << 20);
            if (clock.nanoTime() - leaseEnd >= 0) {
                assertThat(pg1.acceptsWrites()).as("decision 3: writable " + (clock.nanoTime() - cut) / 1_000_000
                        + " ms after the cut, after its lease: " + pg1).isFalse();
            }
        }
        assertThat(pg2.acceptsWrites()).as("node2 took over after node1's key expired: " + pg2).isTrue();
        assertThat(pg1.running()).as("R40: like Patroni's offline demote, node1 runs again as a replica of nobody "
                + "while the DCS is away: " + pg1).isTrue();
        assertThat(pg1.observe().standbySignal()).as("read-only: " + pg1.observe()).isTrue();

        cutOff = false;
        for (int i = 0; i < 40 && !pg1.streaming(); i++) {
            node1.runCycle();
            node2.runCycle();
            timers.advance(Duration.ofMillis(500));
            pg1.replicate(1 << 20);
            assertThat(pg1.acceptsWrites()).as("never writable again: " + pg1).isFalse();
        }
        assertThat(pg1.streaming()).as("the DCS is back: node1 follows node2: " + pg1).isTrue();
    }

    /**
     * Quorum loss with failsafe_mode: the members confirm for a while, then node2 stops answering.
     * The lease timer's rescue gets no confirmation and the lease ends while the loop waits for its
     * next cycle; that cycle finds PostgreSQL stopped (not writable), so nothing demoted it: before
     * the fix it stayed stopped until the DCS came back.
     */
    @Test
    void r41_aFailsafePrimaryFencedBetweenCyclesComesBackReadOnly() {
        twoNodeCluster(true);
        callHang = Duration.ofSeconds(3); // retry_timeout
        cutOff = true;
        long cut = clock.nanoTime();
        while (clock.nanoTime() - cut < Duration.ofSeconds(12).toNanos()) {
            node1.runCycle();
            timers.advance(Duration.ofNanos(node1.intervalNanos()));
            assertThat(pg1.acceptsWrites()).as("R41: every member confirms: " + pg1).isTrue();
        }
        peers.confirm = false;
        long noConfirm = clock.nanoTime();
        long leaseEnd = noConfirm + Duration.ofSeconds(4).toNanos();
        while (clock.nanoTime() - noConfirm < Duration.ofSeconds(30).toNanos()) {
            node1.runCycle();
            timers.advance(Duration.ofNanos(node1.intervalNanos()));
            if (clock.nanoTime() - leaseEnd >= 0) {
                assertThat(pg1.acceptsWrites()).as("decision 3: writable after its lease: " + pg1).isFalse();
            }
        }
        assertThat(pg1.running()).as("R40: like Patroni's offline demote, node1 runs again as a replica of nobody "
                + "while the DCS is away: " + pg1).isTrue();
        assertThat(pg1.observe().standbySignal()).as("read-only: " + pg1.observe()).isTrue();

        cutOff = false;
        for (int i = 0; i < 40 && !(pg1.acceptsWrites() || pg1.streaming()); i++) {
            cycles(1);
            pg1.replicate(1 << 20);
            pg2.replicate(1 << 20);
        }
        assertThat(pg1.acceptsWrites() ^ pg2.acceptsWrites()).as("the DCS is back: one primary: " + pg1 + ", " + pg2)
                .isTrue();
    }

    /**
     * R62 after a fence: the lease timer stopped PostgreSQL, so nothing writable is left to guard.
     * Before, the watchdog stayed armed and unfed, and the (testbed's) hardware reset the whole host
     * a second after every fence in the chaos partitions, instead of letting the node start read-only.
     */
    @Test
    void r62_theLeaseTimersFenceDisarmsTheWatchdogOncePostgresIsDown() {
        device = new WatchdogLoopTest.Device(true);
        twoNodeCluster(true);
        assertThat(device.isRunning()).as("armed while node1 leads").isTrue();
        callHang = Duration.ofSeconds(3);
        cutOff = true;
        for (int i = 0; i < 6; i++) { // quorum lost, every member confirms
            node1.runCycle();
            timers.advance(Duration.ofNanos(node1.intervalNanos()));
        }
        assertThat(pg1.acceptsWrites()).as("R41 keeps node1 primary: " + pg1).isTrue();
        peers.confirm = false;
        // No cycle runs meanwhile: the HA thread is stuck in its DCS read (retry_timeout, longer than
        // the second the watchdog's ttl - safety_margin leaves after the lease), and only the lease
        // timer acts. Its rescue gets no confirmation and the lease ends.
        timers.advance(Duration.ofSeconds(5));
        assertThat(pg1.acceptsWrites()).as("fenced: " + pg1).isFalse();
        assertThat(device.isRunning()).as("disarmed once PostgreSQL is down: " + device.writes).isFalse();
        assertThat(device.writes).last().isEqualTo("V");
    }

    private void twoNodeCluster(boolean failsafe) {
        node1 = loop("node1", "127.0.0.1", pg1, failsafe);
        node2 = loop("node2", "127.0.0.2", pg2, failsafe);
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
            timers.advance(Duration.ofMillis(500));
        }
    }

    /** The store's client, whose every call hangs and then fails while node1 is cut off. */
    private Dcs hanging(InMemoryDcs inner) {
        return LoopKit.failingWhile(inner, () -> cutOff, () -> timers.advance(callHang),
                "connect timed out (test: cut off from the DCS)");
    }

    private HaLoop loop(String name, String host, FakePostgres fake, boolean failsafe) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 2, "retry_timeout", 3,
                "failsafe_mode", failsafe));
        Dcs dcs = name.equals("node1") ? hanging(store.client(name, SCOPE, 10)) : store.client(name, SCOPE, 10);
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock, dcs, fake, peers,
                new LoopKit.InlineSlot(clock), Callbacks.NONE, timers, null, name.equals("node1") && device != null
                ? Watchdog.of(new Watchdog.Settings(new WatchdogConfig(WatchdogConfig.Mode.REQUIRED, "default",
                        "/dev/watchdog", 5), 10, 2), c -> device) : null);
        return new HaLoop(ctx, HaDecider::decide);
    }
}
