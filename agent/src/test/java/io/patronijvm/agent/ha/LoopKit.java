package io.patronijvm.agent.ha;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.ha.AsyncKind;
import io.patronijvm.core.ha.AsyncTask;
import io.patronijvm.testkit.FakeClock;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Small fakes for component tests that drive the real HaLoop cycle by cycle on a FakeClock. */
final class LoopKit {

    private LoopKit() {
    }

    /**
     * The DCS client of a node that loses its DCS: while {@code cut} holds, every call but
     * applyTiming and close first runs {@code hang} (the call's timeout passing on the fake
     * clock) and then fails as the real adapters fail, with {@code reason}.
     */
    static Dcs failingWhile(Dcs inner, BooleanSupplier cut, Runnable hang, String reason) {
        return (Dcs) Proxy.newProxyInstance(Dcs.class.getClassLoader(), new Class<?>[] {Dcs.class}, (p, m, args) -> {
            if (cut.getAsBoolean() && !m.getName().equals("applyTiming") && !m.getName().equals("close")) {
                hang.run();
                if (m.getName().equals("loadCluster")) {
                    throw new DcsUnavailableException(reason);
                }
                if (m.getName().equals("watchLeader")) {
                    return false;
                }
                return DcsOutcome.unavailable(reason);
            }
            try {
                return m.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** The lease timer: the test renews every half second, so the self-fence never has to fire. */
    static final class NeverFires implements TimerService {
        @Override
        public Handle schedule(Duration delay, Runnable task) {
            return () -> { };
        }

        @Override
        public void close() {
            // nothing scheduled
        }
    }

    /** Runs a long action at once, in the loop's thread: the outcome is there for the next cycle. */
    static final class InlineSlot implements AsyncSlot {
        private final FakeClock clock;
        private Outcome outcome;

        InlineSlot(FakeClock clock) {
            this.clock = clock;
        }

        @Override
        public boolean submit(AsyncKind kind, Job job, Runnable done) {
            AsyncTask t = new AsyncTask(kind);
            try {
                job.run();
                outcome = new Outcome(t.kind(), true, kind.text() + " finished");
            } catch (Exception e) {
                outcome = new Outcome(t.kind(), false, kind.text() + " failed: " + e.getMessage());
            }
            done.run();
            return true;
        }

        @Override
        public AsyncTask current() {
            return null;
        }

        @Override
        public void cancel(String why) {
            // nothing runs between calls
        }

        @Override
        public Outcome takeOutcome() {
            Outcome o = outcome;
            outcome = null;
            return o;
        }

        @Override
        public void close() {
            outcome = null;
        }
    }
}
