package io.patronijvm.core.config;

import java.util.Locale;
import java.util.Objects;

/**
 * The {@code watchdog:} section (spec 3.16, R62). Patroni's default is {@code automatic} with the
 * Linux device {@code /dev/watchdog}; {@code driver: testing} is Patroni's harness driver, which
 * writes the timeout to the device file instead of making an ioctl (its acceptance suite uses it).
 *
 * @param mode         off, automatic or required
 * @param driver       {@code default} (Linux device) or {@code testing}
 * @param device       the device file
 * @param safetyMargin seconds between the watchdog firing and the leader key expiring; -1 means ttl/2
 */
public record WatchdogConfig(Mode mode, String driver, String device, int safetyMargin) {

    public static final String DEFAULT_DEVICE = "/dev/watchdog";
    public static final WatchdogConfig DEFAULTS = new WatchdogConfig(Mode.AUTOMATIC, "default", DEFAULT_DEVICE, 5);
    public static final WatchdogConfig OFF = new WatchdogConfig(Mode.OFF, "default", DEFAULT_DEVICE, 5);

    /** Patroni's three modes; {@code required} means no leadership without a working watchdog. */
    public enum Mode {
        OFF, AUTOMATIC, REQUIRED;

        /** The spelling in patroni.yml and in logs. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Patroni's {@code parse_mode} spellings; null for anything else. */
        public static Mode parse(Object raw) {
            if (raw == null) {
                return AUTOMATIC;
            }
            if (Boolean.FALSE.equals(raw)) {
                return OFF; // YAML 1.1 reads a bare off as false
            }
            return switch (raw.toString().trim().toLowerCase(Locale.ROOT)) {
                case "off", "disable", "disabled" -> OFF;
                case "auto", "automatic" -> AUTOMATIC;
                case "require", "required" -> REQUIRED;
                default -> null;
            };
        }
    }

    public WatchdogConfig {
        Objects.requireNonNull(mode, "mode");
        driver = driver == null ? "default" : driver;
        device = device == null ? DEFAULT_DEVICE : device;
    }

    /** The watchdog timeout for this ttl: ttl - safety_margin, or ttl/2 with a margin of -1. */
    public int timeout(int ttl) {
        return safetyMargin == -1 ? ttl / 2 : ttl - safetyMargin;
    }

    /** Seconds left between a missed keepalive at the end of one loop_wait and the watchdog firing. */
    public int timingSlack(int ttl, int loopWait) {
        return timeout(ttl) - loopWait;
    }
}
