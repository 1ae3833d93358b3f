package io.patronijvm.agent.ha;

import io.patronijvm.core.ha.AsyncKind;
import io.patronijvm.core.ha.AsyncTask;
import io.patronijvm.testkit.FakeClock;

import java.time.Duration;

/** Small fakes for component tests that drive the real HaLoop cycle by cycle on a FakeClock. */
final class LoopKit {

    private LoopKit() {
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
