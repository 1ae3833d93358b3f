package io.patronijvm.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls the leader key every 50 ms through one Consul server (or etcd member) and records every change
 * (value, or empty when the key is gone) with its monotonic time. Read failures are not
 * changes. Stops by itself after {@code maxPolls}.
 */
final class LeaderWatch implements AutoCloseable {

    record Change(long nanos, Optional<String> leader) {
    }

    private final ClusterView view;
    private final int server;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "e2e-leader-watch"));
    private final List<Change> changes = new ArrayList<>();
    private int pollsLeft;

    LeaderWatch(ClusterView view, int consulServer, int maxPolls) {
        this.view = view;
        this.server = consulServer;
        this.pollsLeft = maxPolls;
        timer.scheduleWithFixedDelay(this::poll, 0, 50, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        if (pollsLeft-- <= 0) {
            return;
        }
        Optional<Optional<String>> read = view.readLeader(server);
        if (read.isEmpty()) {
            return;
        }
        Optional<String> leader = read.get();
        long now = System.nanoTime();
        synchronized (this) {
            if (changes.isEmpty() || !Objects.equals(changes.get(changes.size() - 1).leader(), leader)) {
                changes.add(new Change(now, leader));
            }
        }
    }

    synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /** When the key was first seen gone (or held by someone else) after being {@code leader}; -1 if never. */
    synchronized long firstLossOf(String leader) {
        boolean held = false;
        for (Change c : changes) {
            if (c.leader().equals(Optional.of(leader))) {
                held = true;
            } else if (held) {
                return c.nanos();
            }
        }
        return -1;
    }

    ClusterView view() {
        return view;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
