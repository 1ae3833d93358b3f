package io.patronijvm.core.ha;

/**
 * The HA decision (spec section 3.2): a pure function from one cycle's observations to the
 * actions to take. No I/O, no clock reads (only {@link HaInput#nowNanos()}), no logging, no
 * randomness. Where Patroni acts and then branches on the result, this returns a re-deciding
 * action and the loop calls {@link #decide} again with the outcome (style guideline 1).
 */
public final class HaDecider {

    private HaDecider() {
    }

    /**
     * The decider's own bookkeeping across cycles, pure like {@link #decide}: the loop calls it
     * once per cycle, after the renewal and before deciding, and passes the result as the memory.
     * Today it keeps the clock of primary_start_timeout (R7, R35).
     */
    public static Memory observe(Memory m, LockState lock, io.patronijvm.core.pg.LocalPgState pg, long nowNanos) {
        return RecoveryRules.trackStart(m, lock, pg, nowNanos);
    }

    public static Decision decide(HaInput in) {
        Decision d = CycleRules.decide(in);
        if (in.paused() && !d.message().startsWith("PAUSE: ")) {
            d = d.withMessage("PAUSE: " + d.message());
        }
        return d;
    }
}
