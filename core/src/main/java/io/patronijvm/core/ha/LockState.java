package io.patronijvm.core.ha;

/**
 * What the loop knows about our leader lease in this cycle (spec decision 3, style guideline 7).
 *
 * <p>Contract with the loop: whenever the freshly read view says we hold the leader key, the
 * loop calls {@code Dcs.updateLeader} BEFORE deciding and passes the outcome here. When the
 * view says someone else (or nobody) holds it, the loop passes {@link #NOT_HOLDER}. When the
 * lease timer fired (the provable lease ran out without a renewal) the loop passes
 * {@link #LEASE_EXPIRED}, whatever the view says. "Session lost" (definitive) and "unavailable"
 * (unknown) are kept apart, but for a primary both mean the same thing: it can no longer prove
 * it holds the lock, so it fences itself.
 */
public enum LockState {
    /** The view does not name us as leader; no renewal attempted. */
    NOT_HOLDER,
    /** The view names us and {@code updateLeader} returned OK in this cycle: the lease was extended. */
    RENEWED,
    /** The renewal found our session gone or the key held by another session: the lock is lost (definitive). */
    RENEW_FAILED_SESSION_LOST,
    /** The renewal got no answer in time: whether we still hold the lock is unknown. */
    RENEW_FAILED_UNAVAILABLE,
    /** The lease timer fired: the last successful renewal is older than the provable lease. */
    LEASE_EXPIRED;

    /** True when we may act as the lock holder in this cycle. */
    public boolean renewed() {
        return this == RENEWED;
    }
}
