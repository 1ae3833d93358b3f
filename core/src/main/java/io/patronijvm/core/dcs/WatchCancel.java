package io.patronijvm.core.dcs;

/**
 * Ends a blocking DCS watch early: the HA loop's wake-up (a REST intent, a long action that
 * finished, a shutdown) must reach a replica that blocks on the leader key for up to loop_wait.
 * The watch registers a hook that aborts its request; a cancel that came before the registration
 * runs the hook at once, so no wake-up is lost between the loop's check and the request.
 */
@FunctionalInterface
public interface WatchCancel {

    /** Never cancels. */
    WatchCancel NEVER = hook -> () -> { };

    /**
     * Runs {@code hook} (on the cancelling thread, or at once on this one when already cancelled)
     * when a cancel comes before the returned registration is closed.
     */
    Registration onCancel(Runnable hook);

    /** Ends the hook's registration; idempotent. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
