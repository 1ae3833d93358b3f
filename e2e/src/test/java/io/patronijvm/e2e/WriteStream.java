package io.patronijvm.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client that writes one row every {@code period} through one address (HAProxy's write port),
 * reconnecting after any error, and remembers which rows were acknowledged and when. The
 * outage is the longest time between two acknowledged writes. Bounded: it writes at most
 * {@code maxWrites} rows and stops by itself.
 */
final class WriteStream implements AutoCloseable {

    record Ack(long id, long nanos) {
    }

    private final String host;
    private final int port;
    private final String table;
    private final ScheduledExecutorService timer;
    private final List<Ack> acks = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final long maxWrites;
    private Connection conn;
    private long nextId = 1;

    private WriteStream(String host, int port, String table, Duration period, Duration maxDuration) {
        this.host = host;
        this.port = port;
        this.table = table;
        this.maxWrites = Math.max(1, maxDuration.toMillis() / Math.max(1, period.toMillis()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "e2e-write-stream-" + table));
        timer.scheduleWithFixedDelay(this::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Creates the table through the same address, then starts writing. */
    static WriteStream start(String host, int port, String table, Duration period, Duration maxDuration)
            throws SQLException {
        Pg.execute(host, port, "CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
        return new WriteStream(host, port, table, period, maxDuration);
    }

    private void tick() {
        long id;
        synchronized (this) {
            if (nextId > maxWrites) {
                return;
            }
            id = nextId++;
        }
        try {
            if (conn == null) {
                conn = Pg.connect(host, port);
            }
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + table + " (id) VALUES (?)")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            synchronized (this) {
                acks.add(new Ack(id, System.nanoTime()));
            }
        } catch (SQLException e) {
            synchronized (this) {
                if (errors.size() < 50) {
                    errors.add(e.getMessage());
                }
            }
            closeConnection();
        }
    }

    private void closeConnection() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // The connection is being dropped because it failed; nothing more to do.
            }
            conn = null;
        }
    }

    synchronized List<Ack> acks() {
        return List.copyOf(acks);
    }

    synchronized List<Long> acknowledgedIds() {
        return acks.stream().map(Ack::id).toList();
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Acknowledged writes so far. */
    synchronized int ackCount() {
        return acks.size();
    }

    /** The first acknowledged write at or after {@code nanos}, or -1. */
    synchronized long firstAckAfter(long nanos) {
        return acks.stream().mapToLong(Ack::nanos).filter(t -> t >= nanos).findFirst().orElse(-1);
    }

    /** Longest time between consecutive acknowledged writes. */
    synchronized Duration longestGap() {
        long worst = 0;
        for (int i = 1; i < acks.size(); i++) {
            worst = Math.max(worst, acks.get(i).nanos() - acks.get(i - 1).nanos());
        }
        return Duration.ofNanos(worst);
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
        closeConnection();
    }
}
