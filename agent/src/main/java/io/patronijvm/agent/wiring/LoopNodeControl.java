package io.patronijvm.agent.wiring;

import io.patronijvm.agent.ha.HaLoop;
import io.patronijvm.agent.ha.IntentBox;
import io.patronijvm.core.ha.ReinitIntent;
import io.patronijvm.core.ha.RestartIntent;
import io.patronijvm.core.status.IntentResult;
import io.patronijvm.core.status.NodeControl;
import io.patronijvm.core.status.RestartRequest;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@link NodeControl} over the HA loop (style guideline 12): REST and CLI requests become
 * intents in the loop's {@link IntentBox}, the loop is woken, and the caller waits for the
 * loop's answer up to its timeout. Nothing here changes PostgreSQL or the DCS ({@link #status()}
 * may read a replica's WAL positions afresh, as Patroni's REST API does).
 */
public final class LoopNodeControl implements NodeControl {

    private final HaLoop loop;
    private final MonotonicClock clock;
    private final StatusSnapshot initial;
    private final Supplier<IntentResult> reload;

    /**
     * @param initial what {@link #status()} answers before the loop's first cycle published a snapshot
     * @param reload  re-reads and applies the local configuration (SIGHUP, {@code POST /reload})
     */
    public LoopNodeControl(HaLoop loop, MonotonicClock clock, StatusSnapshot initial, Supplier<IntentResult> reload) {
        this.loop = loop;
        this.clock = clock;
        this.initial = initial;
        this.reload = reload;
    }

    @Override
    public StatusSnapshot status() {
        StatusSnapshot s = loop.restSnapshot();
        return s != null ? s : initial;
    }

    @Override
    public StatusSnapshot publishedStatus() {
        StatusSnapshot s = loop.snapshot();
        return s != null ? s : initial;
    }

    @Override
    public StatusSnapshot healthStatus() {
        StatusSnapshot s = loop.healthSnapshot();
        return s != null ? s : initial;
    }

    @Override
    public java.util.List<io.patronijvm.core.status.HaEvent> recentEvents() {
        return loop.events().recent();
    }

    @Override
    public MonotonicClock clock() {
        return clock;
    }

    @Override
    public void wakeUp() {
        loop.wakeUp();
    }

    @Override
    public IntentResult restart(RestartRequest request, Duration timeout) throws InterruptedException {
        // R64: a scheduled restart is dropped if the postmaster restarts before it is due, so the
        // start time seen now travels with the intent.
        StatusSnapshot s = status();
        String startedAt = s == null || s.pg() == null ? null : s.pg().postmasterStartTime();
        CompletableFuture<IntentResult> answer = loop.intents().offerRestart(new RestartIntent(request, startedAt));
        if (answer == null) {
            return new IntentResult(IntentResult.Kind.CONFLICT, "Failed to restart: a restart is already scheduled");
        }
        if (request.schedule() != null) {
            loop.wakeUp();
            return new IntentResult(IntentResult.Kind.SCHEDULED, "Restart scheduled");
        }
        return await(answer, timeout, "restart");
    }

    @Override
    public IntentResult cancelScheduledRestart() {
        IntentBox box = loop.intents();
        RestartIntent pending = box.restart();
        if (pending == null || pending.request().schedule() == null || !box.cancelRestart()) {
            return IntentResult.refused("no restart is scheduled");
        }
        // The member key still announces the restart; Patroni rewrites it at once, so a cycle now.
        loop.wakeUp();
        return IntentResult.done("scheduled restart deleted");
    }

    @Override
    public IntentResult reloadConfig() {
        IntentResult r = reload.get();
        loop.wakeUp();
        return r;
    }

    @Override
    public IntentResult reinitialize(boolean force, boolean fromLeader, Duration timeout) throws InterruptedException {
        CompletableFuture<IntentResult> answer = loop.intents().offerReinit(new ReinitIntent(force, fromLeader));
        if (answer == null) {
            return new IntentResult(IntentResult.Kind.CONFLICT, "reinitialize already in progress");
        }
        return await(answer, timeout, "reinitialize");
    }

    @Override
    public IntentResult acceptFailsafe(String leaderName, String connUrl, String apiUrl) {
        return loop.acceptFailsafe(leaderName, connUrl, apiUrl, java.util.Map.of()); // R42
    }

    @Override
    public IntentResult acceptFailsafe(String leaderName, String connUrl, String apiUrl,
                                       java.util.Map<String, Long> slots) {
        return loop.acceptFailsafe(leaderName, connUrl, apiUrl, slots); // R42, R57
    }

    private IntentResult await(CompletableFuture<IntentResult> answer, Duration timeout, String what)
            throws InterruptedException {
        loop.wakeUp();
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new IntentResult(IntentResult.Kind.FAILED, what + " did not complete within " + timeout.toSeconds()
                    + " s; the request stays queued for the HA loop");
        } catch (ExecutionException e) {
            return new IntentResult(IntentResult.Kind.FAILED, what + " failed: " + e.getCause().getMessage());
        }
    }
}
