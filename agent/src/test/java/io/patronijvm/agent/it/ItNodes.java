package io.patronijvm.agent.it;

import io.patronijvm.agent.config.ConfigLoader;
import io.patronijvm.agent.config.LoadResult;
import io.patronijvm.agent.config.LoadedConfig;
import io.patronijvm.agent.wiring.AgentDaemon;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Agents run in this JVM against a real Consul and real PostgreSQL: one YAML per node on its own
 * loopback address (127.0.5.1x), loaded by the real {@link ConfigLoader}, run by the real
 * {@link AgentDaemon} on its own thread.
 */
final class ItNodes implements AutoCloseable {

    static final String SCOPE = "wire-it";
    static final String CONSUL = "127.0.5.1";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One running agent. */
    static final class Node {
        final String name;
        final String host;
        final AgentDaemon daemon;
        final Thread thread;
        final AtomicInteger exitCode = new AtomicInteger(Integer.MIN_VALUE);

        Node(String name, String host, AgentDaemon daemon, Thread thread) {
            this.name = name;
            this.host = host;
            this.daemon = daemon;
            this.thread = thread;
        }
    }

    private final Path root;
    private final List<Node> started = new ArrayList<>();

    ItNodes(Path root) {
        this.root = root;
    }

    static Duration timeout(int seconds) {
        double m = io.patronijvm.testkit.TimingMultiple.value();
        return Duration.ofMillis((long) (seconds * 1000 * m));
    }

    static String host(int i) {
        return "127.0.5.1" + i;
    }

    String yaml(int i) throws IOException {
        Path dir = root.resolve("node" + i);
        Path sock = dir.resolve("sock");
        Files.createDirectories(sock);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        String h = host(i);
        return """
                scope: %s
                name: node%d
                restapi:
                  listen: %s:8008
                  connect_address: %s:8008
                consul:
                  host: %s:8500
                bootstrap:
                  dcs:
                    ttl: 10
                    loop_wait: 1
                    retry_timeout: 3
                    maximum_lag_on_failover: 1048576
                    postgresql:
                      use_pg_rewind: true
                      use_slots: true
                      parameters:
                        max_connections: 30
                        max_wal_senders: 6
                        max_replication_slots: 6
                        wal_keep_size: 64MB
                        wal_log_hints: "on"
                  initdb:
                  - encoding: UTF8
                postgresql:
                  listen: %s:5432
                  connect_address: %s:5432
                  data_dir: %s
                  pgpass: %s
                  authentication:
                    superuser:
                      username: postgres
                      password: su-secret
                    replication:
                      username: replicator
                      password: rep-secret
                  parameters:
                    unix_socket_directories: %s
                    shared_buffers: 16MB
                    fsync: "off"
                  basebackup:
                  - checkpoint: fast
                  pg_hba:
                  - local all all trust
                  - host all all 127.0.0.0/8 scram-sha-256
                  - host replication replicator 127.0.0.0/8 scram-sha-256
                """.formatted(SCOPE, i, h, h, CONSUL, h, h, dir.resolve("data"), dir.resolve("pgpass"), sock);
    }

    LoadedConfig config(int i) throws IOException {
        Path file = root.resolve("node" + i + ".yml");
        Files.writeString(file, yaml(i));
        LoadResult r = new ConfigLoader(Map.of()).loadFile(file);
        if (!r.valid()) {
            throw new IllegalStateException("test config invalid: " + r.problems());
        }
        return r.loaded();
    }

    Node start(int i) throws IOException {
        LoadedConfig cfg = config(i);
        AgentDaemon daemon = new AgentDaemon(Map.of(), false);
        Node[] holder = new Node[1];
        Thread t = new Thread(() -> {
            try {
                holder[0].exitCode.set(daemon.run(cfg));
            } catch (Exception e) {
                holder[0].exitCode.set(-1);
            }
        }, "agent-node" + i);
        Node n = new Node("node" + i, host(i), daemon, t);
        holder[0] = n;
        t.setDaemon(true);
        synchronized (started) {
            started.add(n);
        }
        t.start();
        return n;
    }

    /** HTTP status of {@code GET http://<host>:8008<path>}, or -1 when nothing answers. */
    static int status(String host, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":8008" + path))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code application_name}s in the primary's pg_stat_replication that are streaming. */
    static List<String> streamingReplicas(String host) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", "su-secret");
        p.setProperty("connectTimeout", "3");
        p.setProperty("socketTimeout", "5");
        p.setProperty("loginTimeout", "3");
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":5432/postgres", p);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            out.add("error: " + e.getMessage());
        }
        return out;
    }

    /** Graceful stop of every agent still running (the SIGTERM path), then an immediate stop of PostgreSQL. */
    @Override
    public void close() throws Exception {
        List<Node> all;
        synchronized (started) {
            all = List.copyOf(started);
        }
        for (Node n : all) {
            n.daemon.close();
        }
        for (int i = 1; i <= 3; i++) {
            Path data = root.resolve("node" + i).resolve("data");
            if (Files.exists(data.resolve("postmaster.pid"))) {
                stopPostgres(data);
            }
        }
    }

    private static void stopPostgres(Path data) throws IOException, InterruptedException {
        String bin = System.getenv("PATRONI_JVM_PG_BIN");
        Path pgCtl = bin != null ? Path.of(bin, "pg_ctl") : newestPgCtl();
        if (pgCtl == null) {
            return;
        }
        Process p = new ProcessBuilder(pgCtl.toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t", "20",
                "stop").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static Path newestPgCtl() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return null;
        }
        try (var s = Files.list(base)) {
            return s.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .max(java.util.Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
                    .map(d -> d.resolve("bin/pg_ctl")).filter(Files::isExecutable).orElse(null);
        }
    }
}
