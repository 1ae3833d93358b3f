package io.patronijvm.core.dcs;

/**
 * The result of a DCS write. The three failure kinds mean different things to the HA engine
 * and must never be merged:
 * <ul>
 *   <li>{@link Kind#CONFLICT}: the DCS answered and refused (CAS index moved, lock held by
 *       another session, create-only key exists). Definitive.</li>
 *   <li>{@link Kind#SESSION_LOST}: our session no longer exists, so any lock it held is gone.
 *       Definitive: the lease is lost.</li>
 *   <li>{@link Kind#UNAVAILABLE}: no answer within the deadline, or an error we cannot
 *       interpret. Unknown: the write may or may not have happened.</li>
 * </ul>
 */
public record DcsOutcome(Kind kind, String detail) {

    public enum Kind { OK, CONFLICT, SESSION_LOST, UNAVAILABLE }

    public static final DcsOutcome OK = new DcsOutcome(Kind.OK, "ok");

    public static DcsOutcome conflict(String detail) {
        return new DcsOutcome(Kind.CONFLICT, detail);
    }

    public static DcsOutcome sessionLost(String detail) {
        return new DcsOutcome(Kind.SESSION_LOST, detail);
    }

    public static DcsOutcome unavailable(String detail) {
        return new DcsOutcome(Kind.UNAVAILABLE, detail);
    }

    public boolean ok() {
        return kind == Kind.OK;
    }
}
