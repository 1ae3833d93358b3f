package io.patronijvm.testkit;

import java.time.Duration;

/**
 * The one slow-machine knob of the test suite: {@code TIMING_MULTIPLE} in the environment, or
 * {@code -Dtiming.multiple} (which wins), at least 1. Every deadline a test waits for is scaled
 * by it; nothing else parses it. A value that is not a number fails loudly, naming the knob.
 */
public final class TimingMultiple {

    private static final double VALUE = parse(System.getProperty("timing.multiple"), System.getenv("TIMING_MULTIPLE"));

    private TimingMultiple() {
    }

    public static double value() {
        return VALUE;
    }

    /** {@code d} scaled by the multiple. */
    public static Duration scaled(Duration d) {
        return Duration.ofMillis((long) Math.ceil(d.toMillis() * VALUE));
    }

    static double parse(String property, String env) {
        String text = property != null && !property.isBlank() ? property : env;
        String source = property != null && !property.isBlank() ? "-Dtiming.multiple" : "TIMING_MULTIPLE";
        if (text == null || text.isBlank()) {
            return 1.0;
        }
        try {
            double v = Double.parseDouble(text.trim());
            if (!(v >= 1.0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(source + " must be a number >= 1, got '" + text + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a number >= 1, got '" + text + "'", e);
        }
    }
}
