package io.patronijvm.core.ha;

/**
 * What the node's watchdog allows (R62), as the loop last saw it.
 *
 * @param healthy          false only in mode {@code required} without a usable device: the node never
 *                         races (R23.8) and reports {@code watchdog_failed}
 * @param activationFailed the last attempt to arm it failed while {@code required} could not be met: the
 *                         holder must not be (or become) primary (R21)
 */
public record WatchdogStatus(boolean healthy, boolean activationFailed) {

    public static final WatchdogStatus OK = new WatchdogStatus(true, false);
}
