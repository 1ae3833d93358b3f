package io.patronijvm.core.ha;

/**
 * Where this node stands with pg_rewind (R36 to R39), carried by the loop in {@link Memory}.
 * The executor updates it: {@link Action.Demote} and a first start set {@link #CHECK};
 * {@link Action.CheckRewind} sets {@link #NEED} or {@link #NOT_NEEDED} (or leaves CHECK when the
 * leader could not be asked); {@link Action.Rewind} sets {@link #SUCCESS} or {@link #FAILED}.
 * Leaving pause resets it to {@link #INITIAL} (R2).
 */
public enum RewindState {
    /** Nothing known; no check pending. */
    INITIAL,
    /** A divergence check should run before following the leader. */
    CHECK,
    /** The divergence check says we wrote WAL the leader does not have. */
    NEED,
    /** The divergence check says our history is a prefix of the leader's. */
    NOT_NEEDED,
    /** pg_rewind succeeded; follow the leader. */
    SUCCESS,
    /** pg_rewind failed while the leader was healthy (R38). */
    FAILED
}
