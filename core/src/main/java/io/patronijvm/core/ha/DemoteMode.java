package io.patronijvm.core.ha;

import io.patronijvm.core.pg.StopMode;

/**
 * Patroni's demote modes (spec 3.7). The executor reads how to stop, whether to checkpoint and
 * whether to release the lock from here, so the table lives in one place.
 */
public enum DemoteMode {
    /** DCS unreachable while primary (R40): fast stop, keep nothing, start as a replica of nobody. */
    OFFLINE(StopMode.FAST, false, false),
    /** Switchover (R30/R32): checkpoint, fast stop, release the lock (early once a replica has the
     * shutdown checkpoint), then follow the new leader. */
    GRACEFUL(StopMode.FAST, true, true),
    /** Promotion impossible or primary start timeout (R7, R33): immediate stop, release the lock. */
    IMMEDIATE(StopMode.IMMEDIATE, false, true),
    /** Lost the lock (R6, R19, R20): immediate stop; the lock is not ours to release. */
    IMMEDIATE_NOLOCK(StopMode.IMMEDIATE, false, false);

    private final StopMode stop;
    private final boolean checkpoint;
    private final boolean releaseLock;

    DemoteMode(StopMode stop, boolean checkpoint, boolean releaseLock) {
        this.stop = stop;
        this.checkpoint = checkpoint;
        this.releaseLock = releaseLock;
    }

    public StopMode stopMode() {
        return stop;
    }

    /** Issue a CHECKPOINT before stopping. */
    public boolean checkpoint() {
        return checkpoint;
    }

    /** Delete the leader key (CAS on its version) as part of the demote. */
    public boolean releaseLock() {
        return releaseLock;
    }

    /** Patroni's name of the mode, for messages. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
