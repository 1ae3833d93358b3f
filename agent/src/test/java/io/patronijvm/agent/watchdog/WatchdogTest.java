package io.patronijvm.agent.watchdog;

import io.patronijvm.core.config.WatchdogConfig;
import io.patronijvm.core.config.WatchdogConfig.Mode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** R62: Patroni's watchdog facade over a recording device. */
class WatchdogTest {

    /** A device that records every call; {@code failOpen} makes open fail like a missing device. */
    static class RecordingDevice implements WatchdogDevice {
        final List<String> calls = new ArrayList<>();
        boolean failOpen;
        boolean healthy = true;
        boolean magicClose = true;
        int timeout = 60;
        private boolean open;

        @Override
        public boolean isRunning() {
            return open;
        }

        @Override
        public boolean isHealthy() {
            return healthy;
        }

        @Override
        public void open() throws WatchdogException {
            if (failOpen) {
                throw new WatchdogException("cannot open watchdog device: errno 2");
            }
            open = true;
            calls.add("open");
        }

        @Override
        public void close() {
            if (open) {
                calls.add("V");
                open = false;
            }
        }

        @Override
        public void keepalive() {
            calls.add("1");
        }

        @Override
        public boolean canBeDisabled() {
            return magicClose;
        }

        @Override
        public boolean hasSetTimeout() {
            return true;
        }

        @Override
        public void setTimeout(int seconds) {
            timeout = seconds;
            calls.add("timeout=" + seconds);
        }

        @Override
        public int getTimeout() {
            return timeout;
        }

        @Override
        public String describe() {
            return "recording device";
        }
    }

    private final RecordingDevice device = new RecordingDevice();

    private Watchdog watchdog(Mode mode, int ttl, int loopWait) {
        return new Watchdog(new Watchdog.Settings(new WatchdogConfig(mode, "default", "/dev/x", 5), ttl, loopWait),
                c -> device);
    }

    @Test
    void activationOpensAndSetsTtlMinusSafetyMarginThenKeepalivesWrite() {
        Watchdog w = watchdog(Mode.REQUIRED, 20, 2);
        assertThat(w.activate()).isTrue();
        w.keepalive();
        w.keepalive();
        assertThat(device.calls).containsExactly("open", "timeout=15", "1", "1");
        assertThat(w.isRunning()).isTrue();
    }

    @Test
    void aTtlChangeIsAppliedAtTheNextKeepaliveNotBefore() {
        Watchdog w = watchdog(Mode.REQUIRED, 20, 2);
        w.activate();
        w.reloadTiming(30, 2);
        assertThat(device.timeout).isEqualTo(15);
        w.keepalive();
        assertThat(device.calls).containsExactly("open", "timeout=15", "1", "timeout=25");
        w.keepalive();
        assertThat(device.calls).endsWith("1");
    }

    @Test
    void disableWritesTheMagicCloseAndKeepaliveAfterwardsWritesNothing() {
        Watchdog w = watchdog(Mode.AUTOMATIC, 30, 10);
        w.activate();
        w.disable();
        w.keepalive();
        assertThat(device.calls).containsExactly("open", "timeout=25", "V");
        assertThat(w.isRunning()).isFalse();
    }

    @Test
    void requiredWithAnUnopenableDeviceRefusesAndAutomaticRunsWithout() {
        device.failOpen = true;
        assertThat(watchdog(Mode.REQUIRED, 30, 10).activate()).isFalse();
        Watchdog auto = watchdog(Mode.AUTOMATIC, 30, 10);
        assertThat(auto.activate()).isTrue();
        assertThat(auto.isRunning()).isFalse();
    }

    @Test
    void requiredIsUnhealthyWithoutAUsableDeviceOrWithoutTimingSlack() {
        device.healthy = false;
        assertThat(watchdog(Mode.REQUIRED, 30, 10).isHealthy()).isFalse();
        assertThat(watchdog(Mode.AUTOMATIC, 30, 10).isHealthy()).isTrue();
        device.healthy = true;
        assertThat(watchdog(Mode.REQUIRED, 30, 10).isHealthy()).isTrue();
        // timeout 25 - loop_wait 26 < 0: no safe timing
        assertThat(watchdog(Mode.REQUIRED, 30, 26).isHealthy()).isFalse();
        assertThat(watchdog(Mode.REQUIRED, 30, 26).activate()).isFalse();
    }

    @Test
    void aDeviceTimeoutShorterThanLoopWaitIsDisarmedAndRequiredFails() {
        RecordingDevice fixed = new RecordingDevice() {
            @Override
            public void setTimeout(int seconds) {
                calls.add("timeout=" + seconds); // ignored: the device keeps 5 s
            }
        };
        fixed.timeout = 5;
        Watchdog w = new Watchdog(new Watchdog.Settings(new WatchdogConfig(Mode.REQUIRED, "default", "/dev/x", 5),
                30, 10), c -> fixed);
        assertThat(w.activate()).isFalse();
        assertThat(fixed.calls).containsExactly("open", "timeout=25", "V");
    }

    @Test
    void modeOffNeverTouchesTheDevice() {
        Watchdog w = watchdog(Mode.OFF, 30, 10);
        assertThat(w.activate()).isTrue();
        w.keepalive();
        w.disable();
        assertThat(device.calls).isEmpty();
        assertThat(Watchdog.off().isHealthy()).isTrue();
    }

    @Test
    void aDeviceWithoutMagicCloseGetsAKeepaliveInsteadOfBeingLeftToFire() {
        device.magicClose = false;
        Watchdog w = watchdog(Mode.AUTOMATIC, 30, 10);
        w.activate();
        w.disable();
        assertThat(device.calls).containsExactly("open", "timeout=25", "1", "V");
    }
}
