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

    public static Decision decide(HaInput in) {
        Decision d = CycleRules.decide(in);
        if (in.paused() && !d.message().startsWith("PAUSE: ")) {
            d = d.withMessage("PAUSE: " + d.message());
        }
        return d;
    }
}
