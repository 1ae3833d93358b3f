package io.patronijvm.agent.ha;

import io.patronijvm.agent.watchdog.Watchdog;
import io.patronijvm.agent.watchdog.WatchdogDevice;
import io.patronijvm.core.config.WatchdogConfig;
import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.ha.HaDecider;
import io.patronijvm.core.ha.LocalSettings;
import io.patronijvm.core.model.Role;
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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R62 through the real loop: the bootstrap arms the watchdog with ttl - safety_margin, every
 * renewal feeds it, a clean shutdown disarms it with the magic close; and a node whose required
 * watchdog is unusable reports watchdog_failed and never takes the leader key (R23.8).
 */
class WatchdogLoopTest {

    private static final String SCOPE = "wd";
    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);
    private final FakePgNetwork network = new FakePgNetwork();

    /** Records what a device file would receive. */
    static final class Device implements WatchdogDevice {
        final List<String> writes = new CopyOnWriteArrayList<>();
        final boolean healthy;
        private boolean open;
        private int timeout = 60;

        Device(boolean healthy) {
            this.healthy = healthy;
        }

        @Override
        public boolean isRunning() {
            return open;
        }

        @Override
        public boolean isHealthy() {
            return healthy;
        }

        @Override
        public void open() {
            open = true;
        }

        @Override
        public void close() {
            if (open) {
                writes.add("V");
                open = false;
            }
        }

        @Override
        public void keepalive() {
            writes.add("1");
        }

        @Override
        public boolean canBeDisabled() {
            return true;
        }

        @Override
        public boolean hasSetTimeout() {
            return true;
        }

        @Override
        public void setTimeout(int seconds) {
            timeout = seconds;
            writes.add("timeout=" + seconds);
        }

        @Override
        public int getTimeout() {
            return timeout;
        }

        @Override
        public String describe() {
            return "test device";
        }
    }

    @Test
    void r62_armedAtBootstrapFedOnEveryRenewalAndClosedOnShutdown() {
        Device device = new Device(true);
        FakePostgres pg = new FakePostgres("node1", "127.0.0.1", 5432, network);
        HaLoop loop = loop("node1", "127.0.0.1", pg, device);
        for (int i = 0; i < 20 && !pg.acceptsWrites(); i++) {
            loop.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        for (int i = 0; i < 3; i++) {
            loop.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg.acceptsWrites()).as("node1 leads: %s", pg).isTrue();
        assertThat(device.writes).first().isEqualTo("timeout=5"); // ttl 10 - safety_margin 5
        assertThat(device.writes).filteredOn("1"::equals).hasSizeGreaterThanOrEqualTo(3);
        assertThat(device.writes).doesNotContain("V");
        loop.requestShutdown();
        loop.runCycle();
        assertThat(device.writes).last().isEqualTo("V");
    }

    @Test
    void r62_aReloadedWatchdogSectionReachesTheArmedWatchdogOfTheRunningLeader() {
        Device device = new Device(true);
        FakePostgres pg = new FakePostgres("node1", "127.0.0.1", 5432, network);
        HaLoop loop = loop("node1", "127.0.0.1", pg, device);
        for (int i = 0; i < 20 && !pg.acceptsWrites(); i++) {
            loop.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        loop.runCycle();
        assertThat(device.isRunning()).as("armed while leading").isTrue();
        // mode off: disarmed at once, with the magic close, not at the next keepalive
        loop.offerWatchdog(new WatchdogConfig(WatchdogConfig.Mode.OFF, "default", "/dev/watchdog", 5));
        assertThat(device.writes).last().isEqualTo("V");
        assertThat(device.isRunning()).isFalse();
        loop.runCycle();
        clock.advance(Duration.ofMillis(500));
        assertThat(device.isRunning()).as("off stays off across renewals").isFalse();
        // back to required with another safety margin: armed again by the next renewal, ttl 10 - 3
        device.writes.clear();
        loop.offerWatchdog(new WatchdogConfig(WatchdogConfig.Mode.REQUIRED, "default", "/dev/watchdog", 3));
        loop.runCycle();
        clock.advance(Duration.ofMillis(500));
        loop.runCycle();
        assertThat(device.isRunning()).as("re-armed: %s", device.writes).isTrue();
        assertThat(device.writes).contains("timeout=7");
        assertThat(pg.acceptsWrites()).as("still the leader: %s", pg).isTrue();
    }

    @Test
    void r23_8_aRequiredWatchdogThatIsUnusableKeepsTheNodeFromLeading() {
        FakePostgres pg1 = new FakePostgres("node1", "127.0.0.1", 5432, network);
        FakePostgres pg2 = new FakePostgres("node2", "127.0.0.2", 5432, network);
        HaLoop loop1 = loop("node1", "127.0.0.1", pg1, new Device(true));
        HaLoop loop2 = loop("node2", "127.0.0.2", pg2, new Device(false));
        for (int i = 0; i < 40 && !pg2.streaming(); i++) {
            loop1.runCycle();
            loop2.runCycle();
            pg2.replicate(1 << 20);
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.streaming()).as("node2 replicates: %s", pg2).isTrue();
        // node1 dies: its key expires, node2 is the only candidate left
        for (int i = 0; i < 40; i++) {
            loop2.runCycle();
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(pg2.acceptsWrites()).as("never promoted: %s", pg2).isFalse();
        assertThat(store.peek(SCOPE).leader()).as("nobody took the key").isNull();
        assertThat(loop2.restSnapshot().watchdogFailed()).isTrue();
        assertThat(loop2.restSnapshot().lastMessage()).contains("Watchdog device is not usable");
    }

    private HaLoop loop(String name, String host, FakePostgres fake, Device device) {
        Map<String, Object> bootstrapDcs = new LinkedHashMap<>(Map.of("ttl", 10, "loop_wait", 1, "retry_timeout", 3));
        Callbacks callbacks = new Callbacks() {
            @Override
            public void fire(CallbackEvent event, Role role) {
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
        Watchdog watchdog = Watchdog.of(new Watchdog.Settings(new WatchdogConfig(WatchdogConfig.Mode.REQUIRED,
                "default", "/dev/watchdog", 5), 10, 1), c -> device);
        HaContext ctx = new HaContext(name, SCOPE, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", Tags.NONE, new LocalSettings(true, true, false, false, false, "off"),
                null, bootstrapDcs, Duration.ofSeconds(2), Duration.ofSeconds(60), clock, clock,
                store.client(name, SCOPE, 10), fake, (members, timeout) -> {
                    Map<String, PeerStatus> out = new LinkedHashMap<>();
                    members.forEach(m -> out.put(m.name(), PeerStatus.unreachable(m.name())));
                    return out;
                }, new LoopKit.InlineSlot(clock), callbacks, new LoopKit.NeverFires(), null, watchdog);
        return new HaLoop(ctx, HaDecider::decide);
    }
}
