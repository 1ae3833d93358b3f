package io.patronijvm.core.ha;

/**
 * The outcome of the previous action in this same cycle, for decide, act, decide again (style
 * guideline 1): the decider asks for one DCS race or probe, the loop performs it and calls the
 * decider again with the result here. {@link #NONE} at the start of every cycle.
 */
public enum AttemptResult {
    /** First decision of the cycle. */
    NONE,
    /** {@link Action.AcquireLock} succeeded: we hold the leader key now. */
    ACQUIRED,
    /** {@link Action.AcquireLock} answered CONFLICT: another session holds the key. */
    LOCK_TAKEN_BY_OTHER,
    /** {@link Action.AcquireLock} got no answer (or our session was lost): treat as not acquired. */
    ACQUIRE_FAILED,
    /** {@link Action.RaceInitialize} created {@code initialize}: we bootstrap. */
    INITIALIZE_WON,
    /** {@link Action.RaceInitialize} found the key present (or the DCS failed): someone else bootstraps. */
    INITIALIZE_LOST,
    /** {@link Action.ProbePeers} finished; the statuses are in {@link HaInput#peers()}. */
    PROBED,
    /** {@link Action.CheckRewind} finished; the verdict is in {@link Memory#rewind()}. */
    REWIND_CHECKED,
    /** {@link Action.CheckFailsafe}: every member of {@code /failsafe} answered 200 (R41). */
    FAILSAFE_OK,
    /** {@link Action.CheckFailsafe}: some member did not confirm, or we are not in {@code /failsafe} (R41). */
    FAILSAFE_FAILED
}
