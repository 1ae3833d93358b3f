package io.patronijvm.e2e;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes directly to every node's PostgreSQL port every 10 ms (no HAProxy in between), and
 * records each accepted write as the interval [sent, acknowledged] in monotonic time. Two
 * nodes "accept writes at the same instant" when accepted intervals of different nodes
 * overlap: {@link #overlaps()} finds those. Stops by itself after {@code maxTicks}.
 */
final class WriteRace implements AutoCloseable {

    record Accepted(String node, long startNanos, long endNanos) {
    }

    private final ScheduledExecutorService timer;
    private final Map<String, Connection> conns = new HashMap<>();
    private final List<Accepted> accepted = new ArrayList<>();
    private final String table;
    private int ticksLeft;

    WriteRace(List<String> nodes, String table, int maxTicks) {
        this.table = table;
        this.ticksLeft = maxTicks;
        this.timer = Executors.newScheduledThreadPool(nodes.size(), r -> new Thread(r, "e2e-write-race"));
        for (String node : nodes) {
            timer.scheduleWithFixedDelay(() -> tick(node), 0, 10, TimeUnit.MILLISECONDS);
        }
    }

    private void tick(String node) {
        synchronized (this) {
            if (ticksLeft-- <= 0) {
                return;
            }
        }
        long start = System.nanoTime();
        try {
            Connection c = connection(node);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + table + " (node) VALUES ('" + node + "')");
            }
            long end = System.nanoTime();
            synchronized (this) {
                accepted.add(new Accepted(node, start, end));
            }
        } catch (SQLException e) {
            drop(node);
        }
    }

    private Connection connection(String node) throws SQLException {
        Connection c;
        synchronized (conns) {
            c = conns.get(node);
        }
        if (c == null) {
            c = Pg.connect(LocalCluster.host(node), 5432);
            synchronized (conns) {
                conns.put(node, c);
            }
        }
        return c;
    }

    private void drop(String node) {
        Connection c;
        synchronized (conns) {
            c = conns.remove(node);
        }
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Dropping a failed connection.
            }
        }
    }

    synchronized List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    /** Pairs of accepted writes on different nodes whose intervals overlap. */
    synchronized List<String> overlaps() {
        List<Accepted> sorted = new ArrayList<>(accepted);
        sorted.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        Map<String, Accepted> latestEnding = new HashMap<>();
        List<String> found = new ArrayList<>();
        for (Accepted a : sorted) {
            for (Accepted other : latestEnding.values()) {
                if (!other.node().equals(a.node()) && other.endNanos() > a.startNanos() && found.size() < 10) {
                    found.add(other + " overlaps " + a);
                }
            }
            latestEnding.merge(a.node(), a, (x, y) -> x.endNanos() >= y.endNanos() ? x : y);
        }
        return found;
    }

    synchronized long lastAcceptedNanos(String node) {
        return accepted.stream().filter(a -> a.node().equals(node)).mapToLong(Accepted::endNanos).max().orElse(-1);
    }

    synchronized long firstAcceptedNanos(String node) {
        return accepted.stream().filter(a -> a.node().equals(node)).mapToLong(Accepted::startNanos).min().orElse(-1);
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(15, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (String node : List.copyOf(conns.keySet())) {
            drop(node);
        }
    }
}
