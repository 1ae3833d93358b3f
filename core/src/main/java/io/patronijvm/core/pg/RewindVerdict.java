package io.patronijvm.core.pg;

/** Result of the divergence check against the leader (R37). */
public enum RewindVerdict {
    /** Our history is a prefix of the leader's: plain following works. */
    NOT_NEEDED,
    /** We wrote WAL the leader does not have: rewind (or reinitialize) before following. */
    NEEDED,
    /** The leader could not be asked; try again later. */
    UNKNOWN
}
