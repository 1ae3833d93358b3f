package io.patronijvm.dcs.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.dcs.WatchPause;
import io.patronijvm.core.dcs.wire.JsonView;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Blocks on the leader key with etcd's streaming {@code /watch} from the revision after the one we
 * know ({@code start_revision = mod_revision + 1}), so a change that happened between our read and
 * the watch is delivered at once, never missed. Returns true on any event, or when etcd cancels
 * the watch (the revision was compacted: the key may have changed); false when {@code wait} passes
 * quietly or the caller's {@link WatchCancel} fires. Errors are retried after a pause until
 * {@code wait} is used up, then it answers false,
 * and an outage is logged once at WARN, then at DEBUG, and once at INFO when it ends.
 */
final class EtcdLeaderWatch {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdLeaderWatch.class);
    /** Below this a watch is not worth its round trip: the rest of the wait is slept. */
    static final Duration MIN_BLOCK = Duration.ofMillis(50);

    private final EtcdTransport http;
    private final String leaderKey;
    private final Sleeper sleeper;
    private final MonotonicClock clock;
    private boolean failing;

    EtcdLeaderWatch(EtcdTransport http, String leaderKeyB64, Sleeper sleeper, MonotonicClock clock) {
        this.http = http;
        this.leaderKey = leaderKeyB64;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    boolean await(long knownIndex, Duration wait, boolean skip, WatchCancel cancel) throws InterruptedException {
        if (skip) {
            return true;
        }
        Deadline end = Deadline.after(clock, wait);
        AtomicBoolean cancelled = new AtomicBoolean();
        // The loop's wake-up aborts the stream in flight (and any later one of this wait) at once.
        WatchCancel mine = hook -> cancel.onCancel(() -> {
            cancelled.set(true);
            hook.run();
        });
        if (knownIndex <= 0) {
            WatchPause.sleep(clock, sleeper, end, end.remaining(), cancelled, mine);
            return false;
        }
        while (!cancelled.get() && end.remaining().compareTo(MIN_BLOCK) >= 0) {
            Map<String, Object> create = EtcdJson.object("create_request", EtcdJson.object("key", leaderKey,
                    "start_revision", Long.toString(knownIndex + 1)));
            try {
                Boolean changed = http.watch(create, end, mine, EtcdLeaderWatch::line);
                if (changed != null) {
                    succeeded();
                    return changed;
                }
                failed("leader watch stream ended without an answer");
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("leader watch interrupted");
                }
                if (cancelled.get() || end.remaining().compareTo(MIN_BLOCK) < 0) {
                    succeeded();
                    return false; // the wait passed quietly, or the loop woke up
                }
                failed("leader watch timed out: " + e.getMessage());
            } catch (IOException | EtcdErrorException e) {
                if (cancelled.get()) {
                    return false;
                }
                failed("leader watch failed: " + e.getMessage());
            }
            WatchPause.sleep(clock, sleeper, end, end.remainingCappedAt(Duration.ofSeconds(1)), cancelled, mine);
        }
        if (!cancelled.get()) {
            sleeper.sleep(end.remaining());
        }
        return false;
    }

    /** True on an event or a cancel, null (read on) for anything else. */
    private static Boolean line(String line) throws IOException, EtcdErrorException {
        if (!line.isBlank()) {
            JsonView n;
            try {
                n = EtcdJson.tree(line);
            } catch (JsonProcessingException e) {
                throw new IOException("watch answered non-JSON: " + line);
            }
            if (n.has("error")) {
                JsonView err = n.path("error");
                if (err.path("grpc_code").asInt(-1) == 1) {
                    // Canceled by the gateway (its stream to etcd was reset): the key may have
                    // changed meanwhile, so let the loop read it rather than report an outage.
                    return true;
                }
                throw new EtcdErrorException(err.path("grpc_code").asInt(2), err.path("message").asText(line),
                        "/watch");
            }
            JsonView res = n.path("result");
            if (res.path("canceled").asBoolean(false) || EtcdJson.int64(res, "compact_revision") > 0
                    || res.path("events").size() > 0) {
                return true;
            }
        }
        return null;
    }

    private void failed(String message) {
        if (!failing) {
            failing = true;
            LOG.warn("{}", message);
        } else {
            LOG.debug("{}", message);
        }
    }

    private void succeeded() {
        if (failing) {
            failing = false;
            LOG.info("leader watch works again");
        }
    }
}
