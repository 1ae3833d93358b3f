package io.patronijvm.restapi;

import io.patronijvm.core.status.IntentResult;
import io.patronijvm.core.status.NodeControl;
import io.patronijvm.core.status.RestartRequest;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.core.time.MonotonicClock;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** NodeControl that answers from fields the test sets and records what it was asked. */
final class FakeNode implements NodeControl {

    final AtomicReference<StatusSnapshot> snapshot = new AtomicReference<>();
    final MonotonicClock clock;
    final AtomicInteger wakeUps = new AtomicInteger();
    /** Reads of {@link #status()}, the live answer (a PostgreSQL observation on a real replica). */
    final AtomicInteger liveReads = new AtomicInteger();
    /** Reads of {@link #healthStatus()}, a HEAD/OPTIONS check's light renewal on a real replica. */
    final AtomicInteger healthReads = new AtomicInteger();
    final List<RestartRequest> restarts = new CopyOnWriteArrayList<>();
    final List<String> reinits = new CopyOnWriteArrayList<>();
    volatile IntentResult restartResult = IntentResult.done("restarted successfully");
    volatile IntentResult scheduleResult = new IntentResult(IntentResult.Kind.SCHEDULED, "Restart scheduled");
    volatile IntentResult cancelResult = IntentResult.done("deleted");
    volatile IntentResult reinitResult = IntentResult.done("reinitialize started");
    final List<String> failsafeLeaders = new CopyOnWriteArrayList<>();
    final List<Map<String, Long>> failsafeSlots = new CopyOnWriteArrayList<>();
    volatile IntentResult failsafeResult = IntentResult.done("Accepted");
    volatile List<io.patronijvm.core.status.HaEvent> events = List.of();

    FakeNode(MonotonicClock clock) {
        this.clock = clock;
    }

    @Override
    public StatusSnapshot status() {
        liveReads.incrementAndGet();
        return snapshot.get();
    }

    @Override
    public StatusSnapshot healthStatus() {
        healthReads.incrementAndGet();
        return snapshot.get();
    }

    @Override
    public StatusSnapshot publishedStatus() {
        return snapshot.get();
    }

    @Override
    public List<io.patronijvm.core.status.HaEvent> recentEvents() {
        return events;
    }

    @Override
    public MonotonicClock clock() {
        return clock;
    }

    @Override
    public void wakeUp() {
        wakeUps.incrementAndGet();
    }

    @Override
    public IntentResult restart(RestartRequest request, Duration timeout) {
        restarts.add(request);
        return request.schedule() != null ? scheduleResult : restartResult;
    }

    @Override
    public IntentResult cancelScheduledRestart() {
        return cancelResult;
    }

    @Override
    public IntentResult reloadConfig() {
        return IntentResult.done("reload scheduled");
    }

    @Override
    public IntentResult reinitialize(boolean force, boolean fromLeader, Duration timeout) {
        reinits.add("force=" + force + " fromLeader=" + fromLeader);
        return reinitResult;
    }

    @Override
    public IntentResult acceptFailsafe(String leaderName, String connUrl, String apiUrl) {
        failsafeLeaders.add(leaderName + " " + connUrl + " " + apiUrl);
        return failsafeResult;
    }

    @Override
    public IntentResult acceptFailsafe(String leaderName, String connUrl, String apiUrl, Map<String, Long> slots) {
        failsafeSlots.add(slots);
        return acceptFailsafe(leaderName, connUrl, apiUrl);
    }
}
