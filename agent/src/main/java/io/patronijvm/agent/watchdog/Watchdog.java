package io.patronijvm.agent.watchdog;

import io.patronijvm.core.config.WatchdogConfig;
import io.patronijvm.core.config.WatchdogConfig.Mode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * The node's watchdog (R62, Patroni's {@code Watchdog} facade): armed before a promotion and on
 * bootstrap, kept alive on every successful leader-key update, disarmed on pause, demotion and
 * shutdown. A configuration change (ttl, loop_wait, safety_margin) is applied at the next
 * keepalive, so the new timeout starts together with a fresh leader key. When activation fails
 * the device is replaced by the null device, and retried only after the configuration changes.
 * Thread-safe: the HA loop and the async slot (demotion) both call it.
 */
public final class Watchdog {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    /** What the watchdog is configured from: the local section and the dynamic ttl and loop_wait. */
    public record Settings(WatchdogConfig config, int ttl, int loopWait) {
        Mode mode() {
            return config.mode();
        }

        int timeout() {
            return config.timeout(ttl);
        }

        int timingSlack() {
            return config.timingSlack(ttl, loopWait);
        }
    }

    private final Function<WatchdogConfig, WatchdogDevice> devices;
    private Settings config;
    private Settings activeConfig;
    private boolean active;
    private WatchdogDevice impl;

    /** The production watchdog: the Linux device, or Patroni's {@code testing} driver. */
    public static Watchdog create(Settings settings) {
        return new Watchdog(settings, Watchdog::device);
    }

    /** A watchdog over devices made by {@code devices} (another driver, or a test's device). */
    public static Watchdog of(Settings settings, Function<WatchdogConfig, WatchdogDevice> devices) {
        return new Watchdog(settings, devices);
    }

    /** Mode off: never armed. */
    public static Watchdog off() {
        return new Watchdog(new Settings(WatchdogConfig.OFF, 30, 10), c -> new NullWatchdogDevice());
    }

    Watchdog(Settings settings, Function<WatchdogConfig, WatchdogDevice> devices) {
        this.devices = devices;
        this.config = settings;
        this.activeConfig = settings;
        this.impl = settings.mode() == Mode.OFF ? new NullWatchdogDevice() : devices.apply(settings.config());
    }

    static WatchdogDevice device(WatchdogConfig c) {
        return "testing".equals(c.driver()) ? new TestingWatchdogDevice(c.device()) : new LinuxWatchdogDevice(c.device());
    }

    /** A new configuration; applied now when the watchdog is not armed, else at the next keepalive. */
    public synchronized void reload(Settings next) {
        config = next;
        if (next.mode() == Mode.OFF) {
            if (active) {
                doDisable();
            }
            activeConfig = next;
            impl = new NullWatchdogDevice();
        }
        if (!active) {
            if (!next.config().driver().equals(activeConfig.config().driver())
                    || !next.config().device().equals(activeConfig.config().device())) {
                impl = devices.apply(next.config());
            }
            activeConfig = next;
        }
    }

    /**
     * SIGHUP or {@code POST /reload} brought a new local {@code watchdog:} section; ttl and
     * loop_wait stay those of the dynamic configuration. As Patroni: turning it off applies at once,
     * anything else at the next keepalive while armed, so the timeout changes with a key update.
     */
    public synchronized void reloadSection(WatchdogConfig section) {
        reload(new Settings(section, config.ttl(), config.loopWait()));
    }

    /** The dynamic ttl or loop_wait changed; the local section stays. */
    public synchronized void reloadTiming(int ttl, int loopWait) {
        reload(new Settings(config.config(), ttl, loopWait));
    }

    /** Arms the watchdog; false when {@code required} cannot be met (the node must not lead). */
    public synchronized boolean activate() {
        active = true;
        return doActivate();
    }

    private boolean doActivate() {
        activeConfig = config;
        if (config.timingSlack() < 0) {
            log.warn("Watchdog not supported because leader TTL {} is less than 2x loop_wait {}", config.ttl(),
                    config.loopWait());
            impl = new NullWatchdogDevice();
        }
        Integer actual = null;
        try {
            impl.open();
            actual = setTimeout();
        } catch (WatchdogException e) {
            log.warn("Could not activate {}: {}", impl.describe(), e.getMessage());
            closeAfterFailure();
            impl = new NullWatchdogDevice();
        }
        try {
            if (impl.isRunning() && !impl.canBeDisabled()) {
                log.warn("Watchdog implementation can't be disabled. Watchdog will trigger after patroni-jvm "
                        + "loses the leader key.");
            }
        } catch (WatchdogException e) {
            log.warn("cannot tell whether {} can be disabled: {}", impl.describe(), e.getMessage());
        }
        if (!impl.isRunning() || (actual != null && actual > config.timeout())) {
            if (config.mode() == Mode.REQUIRED) {
                if (impl.isNull()) {
                    log.error("Configuration requires watchdog, but watchdog could not be configured.");
                } else {
                    log.error("Configuration requires watchdog, but a safe watchdog timeout {} could not be "
                            + "configured. Watchdog timeout is {}.", config.timeout(), actual);
                }
                return false;
            }
            if (!impl.isNull()) {
                log.warn("Watchdog timeout {} seconds does not ensure safe termination within {} seconds", actual,
                        config.timeout());
            }
        }
        if (impl.isRunning()) {
            log.info("{} activated with {} second timeout, timing slack {} seconds", impl.describe(), actual,
                    config.timingSlack());
        }
        return true;
    }

    /**
     * An opened device whose timeout could not be configured is armed with a timeout nobody chose:
     * disarm it (Patroni leaves it open, and a real device then resets the machine later).
     */
    private void closeAfterFailure() {
        try {
            impl.close();
        } catch (WatchdogException e) {
            log.error("could not disarm {} after the failed activation: {}", impl.describe(), e.getMessage());
        }
    }

    /** Sets the configured timeout where the device allows it; null when the timeout was unsafe and disarmed. */
    private Integer setTimeout() throws WatchdogException {
        if (impl.hasSetTimeout()) {
            impl.setTimeout(config.timeout());
        }
        int actual = impl.getTimeout();
        if (impl.isRunning() && actual < config.loopWait()) {
            log.error("loop_wait of {} seconds is too long for watchdog {} second timeout", config.loopWait(), actual);
            if (impl.canBeDisabled()) {
                log.info("Disabling watchdog due to unsafe timeout.");
                impl.close();
                impl = new NullWatchdogDevice();
                return null;
            }
        }
        return actual;
    }

    /** Disarms the watchdog (magic close) until the next {@link #activate()}. */
    public synchronized void disable() {
        doDisable();
        active = false;
    }

    private void doDisable() {
        try {
            if (impl.isRunning() && !impl.canBeDisabled()) {
                impl.keepalive(); // give the operator the full timeout to clean up
                log.warn("Watchdog implementation can't be disabled. System will reboot after {} seconds when "
                        + "watchdog times out.", impl.getTimeout());
            }
            impl.close();
        } catch (WatchdogException e) {
            log.error("Error while disabling watchdog: {}", e.getMessage());
        }
    }

    /** Resets the timer; then applies a pending configuration change, as Patroni does. */
    public synchronized void keepalive() {
        try {
            if (!active) {
                return;
            }
            impl.keepalive();
            if (config.equals(activeConfig)) {
                return;
            }
            if (config.mode() != Mode.OFF && activeConfig.mode() == Mode.OFF) {
                impl = devices.apply(config.config());
                doActivate();
            }
            if (!config.config().driver().equals(activeConfig.config().driver())
                    || !config.config().device().equals(activeConfig.config().device())) {
                doDisable();
                impl = devices.apply(config.config());
                doActivate();
            }
            if (config.timeout() != activeConfig.timeout() && impl.hasSetTimeout()) {
                impl.setTimeout(config.timeout());
                if (impl.isRunning()) {
                    log.info("{} updated with {} second timeout, timing slack {} seconds", impl.describe(),
                            impl.getTimeout(), config.timingSlack());
                }
            }
            activeConfig = config;
        } catch (WatchdogException e) {
            log.error("Error while sending keepalive: {}", e.getMessage());
        }
    }

    public synchronized boolean isRunning() {
        return impl.isRunning();
    }

    /** False only in mode {@code required} without a usable device (R23.8; REST {@code watchdog_failed}). */
    public synchronized boolean isHealthy() {
        if (config.mode() != Mode.REQUIRED) {
            return true;
        }
        return config.timingSlack() >= 0 && impl.isHealthy();
    }

    public synchronized Mode mode() {
        return config.mode();
    }
}
