package io.patronijvm.agent.watchdog;

/** A watchdog device call failed; the message names the device and the failed step. */
public final class WatchdogException extends Exception {
    public WatchdogException(String message) {
        super(message);
    }

    public WatchdogException(String message, Throwable cause) {
        super(message, cause);
    }
}
