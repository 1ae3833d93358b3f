package io.patronijvm.agent.watchdog;

import io.patronijvm.core.config.WatchdogConfig;
import io.patronijvm.core.config.WatchdogConfig.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The devices through real libc calls (JNA): Patroni's {@code testing} driver on a named pipe, as
 * its acceptance suite reads it, and the Linux driver on a file that is no watchdog (this machine
 * has no /dev/watchdog): opening works, the support ioctl fails, so {@code required} refuses.
 */
class DeviceFileTest {

    @TempDir
    Path dir;

    @Test
    void testingDriverWritesTimeoutKeepalivesAndMagicCloseToTheDeviceFile() throws Exception {
        Path fifo = dir.resolve("watchdog.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mk.exitValue()).isZero();
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out); // until the writer closes
                return out.toString(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Watchdog w = new Watchdog(new Watchdog.Settings(new WatchdogConfig(Mode.REQUIRED, "testing",
                fifo.toString(), 5), 20, 2), Watchdog::device);
        assertThat(w.isHealthy()).isTrue();
        assertThat(w.activate()).isTrue();
        w.keepalive();
        w.reloadTiming(30, 2);
        w.keepalive();
        w.disable();
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("Ctimeout=15\n11Ctimeout=25\nV");
        assertThat(w.isRunning()).isFalse();
    }

    @Test
    void linuxDriverOnAFileThatIsNoWatchdogCannotBeArmedInRequiredMode() throws Exception {
        Path notADevice = Files.writeString(dir.resolve("not-a-watchdog"), "");
        WatchdogConfig cfg = new WatchdogConfig(Mode.REQUIRED, "default", notADevice.toString(), 5);
        Watchdog w = new Watchdog(new Watchdog.Settings(cfg, 30, 10), Watchdog::device);
        assertThat(w.isHealthy()).isTrue(); // exists and writable: Patroni's check, before any ioctl
        assertThat(w.activate()).isFalse();
        assertThat(w.isRunning()).isFalse();
        // the failed open-and-configure left the magic close behind, so a real device would be disarmed
        assertThat(Files.readString(notADevice)).isEqualTo("V");
    }

    @Test
    void linuxDriverWithoutTheDeviceIsUnhealthyAndAutomaticModeRunsWithout() {
        WatchdogConfig missing = new WatchdogConfig(Mode.AUTOMATIC, "default", dir.resolve("none").toString(), 5);
        Watchdog auto = new Watchdog(new Watchdog.Settings(missing, 30, 10), Watchdog::device);
        assertThat(auto.activate()).isTrue();
        assertThat(auto.isRunning()).isFalse();
        Watchdog required = new Watchdog(new Watchdog.Settings(new WatchdogConfig(Mode.REQUIRED, "default",
                missing.device(), 5), 30, 10), Watchdog::device);
        assertThat(required.isHealthy()).isFalse();
        assertThat(required.activate()).isFalse();
    }

    @Test
    void aMissingDeviceFailsToOpenWithNoSuchFile() {
        LinuxWatchdogDevice d = new LinuxWatchdogDevice(dir.resolve("no-watchdog").toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(d::open).isInstanceOf(WatchdogException.class)
                .hasMessageContaining("no-watchdog: errno 2");
        assertThat(d.isRunning()).isFalse();
    }
}
