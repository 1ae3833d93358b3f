package io.patronijvm.agent.watchdog;

/**
 * One watchdog device (Patroni's {@code WatchdogBase}). Once {@link #open() opened} it must get a
 * {@link #keepalive()} within its timeout or it resets the machine; {@link #close()} disarms it
 * where the device supports the magic close. Each call is a single write or ioctl on a local
 * device file and returns at once (no network, no waiting).
 */
public interface WatchdogDevice {

    /** The null device: nothing to arm (mode off, or a driver Patroni does not have here). */
    default boolean isNull() {
        return false;
    }

    /** The device is open and must be kept alive. */
    boolean isRunning();

    /** Opening is expected to work: the device file exists and is writable. */
    boolean isHealthy();

    /** Arms the watchdog. */
    void open() throws WatchdogException;

    /** Disarms it (magic close) and closes the file; a no-op when not open. */
    void close() throws WatchdogException;

    /** Resets the device timer. */
    void keepalive() throws WatchdogException;

    /** Whether {@link #close()} really disarms it (the device supports the magic close character). */
    boolean canBeDisabled() throws WatchdogException;

    /** Whether the timeout can be set. */
    boolean hasSetTimeout() throws WatchdogException;

    void setTimeout(int seconds) throws WatchdogException;

    /** The timeout in effect, in seconds. */
    int getTimeout() throws WatchdogException;

    /** For logs: "Linux watchdog device at /dev/watchdog1". */
    String describe();
}
