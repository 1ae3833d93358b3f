import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measuring probes for bench/run. Every event line carries a wall-clock time in epoch
 * milliseconds (with fractions) so it lines up with the times bench/run records around
 * the kill or switchover request; all probes run on this one machine.
 *
 * <pre>
 *   KEY is consul:URL (a Consul KV URL) or etcd3:BASE_URL|KEY (a v3 gateway range read).
 *   writer JDBC_URL LEADER_KEY REP OUT STOPFILE MAX_SECONDS
 *       One INSERT every 50 ms through HAProxy's write port, each in its own autocommit
 *       transaction on a kept connection; any failure closes the connection and the next
 *       tick reconnects (connect and socket timeouts bound every call). Meanwhile polls
 *       the DCS's leader key every 25 ms. Stops when STOPFILE exists (or after MAX_SECONDS),
 *       then reads back the rep's rows from the current primary and prints the acked ids
 *       it does not find.
 *         W t id node        acknowledged write (node = inet_server_addr() of the primary)
 *         F t id error       failed write
 *         K t value|ABSENT   leader key changed
 *         LOST n ids / ACKED n / CHECK_FAILED reason
 *         CHECK_HIT_REPLICA t  the read-back reached a node in recovery through HAProxy (retried)
 *   startwatch REST_URL MEMBER_KEY OLD_SESSION OUT MAX_SECONDS
 *       Polls the REST API every 10 ms and the member key every 20 ms until both answer:
 *         REST t             first HTTP answer of any status
 *         MEMBER t session   member key present with a session (etcd: lease) other than OLD_SESSION
 * </pre>
 *
 * Pacing uses LockSupport.parkNanos: this is a stand-alone measuring tool outside the agent.
 */
public final class BenchClient {
    private static final long WRITE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long KEY_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    private BenchClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "writer" -> {
                if (args.length != 7) {
                    usage();
                }
                new Writer(args[1], args[2], args[3], Path.of(args[4]), Path.of(args[5]),
                        Integer.parseInt(args[6])).run();
            }
            case "startwatch" -> {
                if (args.length != 6) {
                    usage();
                }
                startWatch(args[1], args[2], args[3], Path.of(args[4]), Integer.parseInt(args[5]));
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: BenchClient writer JDBC_URL LEADER_KEY REP OUT STOPFILE MAX_SECONDS\n"
                + "       BenchClient startwatch REST_URL MEMBER_KEY OLD_SESSION OUT MAX_SECONDS\n"
                + "  KEY: consul:URL or etcd3:BASE_URL|KEY");
        System.exit(2);
    }

    static String now() {
        long micros = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now());
        return String.format("%d.%03d", micros / 1000, micros % 1000);
    }

    static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    }

    /** GET url: status and body, or status -1 when nothing answered within the timeout. */
    static String[] get(HttpClient client, String url, int timeoutMs) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs)).GET().build();
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            return new String[] {Integer.toString(resp.statusCode()), resp.body()};
        } catch (IOException e) {
            return new String[] {"-1", e.getClass().getSimpleName()};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {"-1", "interrupted"};
        }
    }

    /** One key: {value or ABSENT, session or lease or null}; null when the DCS did not answer. */
    static String[] readKey(HttpClient client, String spec) {
        if (spec.startsWith("etcd3:")) {
            String[] at = spec.substring("etcd3:".length()).split("\\|", 2);
            String body = "{\"key\":\"" + java.util.Base64.getEncoder().encodeToString(
                    at[1].getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\"}";
            String[] r = post(client, at[0] + "/v3/kv/range", body, 1000);
            if (!r[0].equals("200")) {
                return null;
            }
            if (!r[1].contains("\"kvs\"")) {
                return new String[] {"ABSENT", null};
            }
            String v = field(r[1], "value");
            return new String[] {v == null ? "" : new String(java.util.Base64.getDecoder().decode(v),
                    java.nio.charset.StandardCharsets.UTF_8).trim(), field(r[1], "lease")};
        }
        String url = spec.startsWith("consul:") ? spec.substring("consul:".length()) : spec;
        String[] r = get(client, url, 1000);
        return switch (r[0]) {
            case "200" -> new String[] {r[1].trim(), sessionOf(r[1])};
            case "404" -> new String[] {"ABSENT", null};
            default -> null;
        };
    }

    /** The value of a Consul KV read (?raw) or an etcd key, ABSENT when missing; null when unanswered. */
    static String keyValue(HttpClient client, String spec) {
        String[] r = readKey(client, spec);
        return r == null ? null : r[0];
    }

    static String[] post(HttpClient client, String url, String json, int timeoutMs) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            return new String[] {Integer.toString(resp.statusCode()), resp.body()};
        } catch (IOException e) {
            return new String[] {"-1", e.getClass().getSimpleName()};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[] {"-1", "interrupted"};
        }
    }

    /** A string field of the gateway's JSON answer (etcd quotes its int64s too), without a JSON library. */
    static String field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static final class Writer {
        private final String jdbcUrl;
        private final String keyUrl;
        private final String rep;
        private final Path stopFile;
        private final long deadlineNanos;
        private final PrintWriter out;
        private final List<Long> acked = new ArrayList<>();
        private volatile boolean stopping;

        Writer(String jdbcUrl, String keyUrl, String rep, Path outFile, Path stopFile, int maxSeconds) throws IOException {
            this.jdbcUrl = jdbcUrl;
            this.keyUrl = keyUrl;
            this.rep = rep;
            this.stopFile = stopFile;
            this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
            this.out = new PrintWriter(Files.newBufferedWriter(outFile), true);
        }

        void run() throws InterruptedException {
            Thread keys = Thread.ofPlatform().name("leader-key-poll").daemon().start(this::pollKey);
            long id = 0;
            Connection conn = null;
            long next = System.nanoTime();
            while (!Files.exists(stopFile) && System.nanoTime() < deadlineNanos) {
                id++;
                try {
                    if (conn == null) {
                        conn = connect();
                    }
                    String node = insert(conn, id);
                    synchronized (out) {
                        out.println("W " + now() + " " + id + " " + node);
                    }
                    acked.add(id);
                } catch (SQLException e) {
                    synchronized (out) {
                        out.println("F " + now() + " " + id + " " + oneLine(e));
                    }
                    closeQuietly(conn);
                    conn = null;
                }
                next += WRITE_PERIOD_NANOS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime(); // fell behind (a slow write): no burst to catch up
                }
            }
            closeQuietly(conn);
            stopping = true;
            keys.join(2000);
            checkLost();
            out.close();
        }

        private Connection connect() throws SQLException {
            Properties p = new Properties();
            p.setProperty("connectTimeout", "1");
            p.setProperty("loginTimeout", "2");
            p.setProperty("socketTimeout", "2");
            p.setProperty("tcpKeepAlive", "true");
            // PgBouncer in transaction pooling mode: no server-side prepared statements.
            p.setProperty("preferQueryMode", "simple");
            return DriverManager.getConnection(jdbcUrl, p);
        }

        private String insert(Connection conn, long id) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO bench_writes(rep, id) VALUES (?, ?) RETURNING host(inet_server_addr())")) {
                ps.setString(1, rep);
                ps.setLong(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }

        private void pollKey() {
            HttpClient client = http();
            String last = "";
            long next = System.nanoTime();
            while (!stopping) {
                String v = keyValue(client, keyUrl);
                if (v != null && !v.equals(last)) {
                    synchronized (out) {
                        out.println("K " + now() + " " + v);
                    }
                    last = v;
                }
                next += KEY_POLL_NANOS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        }

        /** Reads the rep's rows from whatever primary HAProxy offers now (retrying up to 30 s). */
        private void checkLost() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String lastError = "";
            while (System.nanoTime() < deadline) {
                try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM bench_writes WHERE rep = ?")) {
                    if (inRecovery(c)) {
                        // HAProxy still routes to a node that is no longer the primary: its rows
                        // are not the new primary's. Say so (it is itself a finding) and retry.
                        out.println("CHECK_HIT_REPLICA " + now());
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                        continue;
                    }
                    ps.setString(1, rep);
                    Set<Long> have = new HashSet<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            have.add(rs.getLong(1));
                        }
                    }
                    List<Long> lost = acked.stream().filter(i -> !have.contains(i)).toList();
                    out.println("ACKED " + acked.size());
                    out.println("LOST " + lost.size() + " " + lost);
                    return;
                } catch (SQLException e) {
                    lastError = oneLine(e);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            out.println("CHECK_FAILED " + lastError);
        }
    }

    static boolean inRecovery(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_is_in_recovery()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static void startWatch(String restUrl, String memberUrl, String oldSession, Path outFile, int maxSeconds)
            throws IOException {
        HttpClient client = http();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        boolean rest = false;
        boolean member = false;
        long nextMember = System.nanoTime();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(outFile), true)) {
            while ((!rest || !member) && System.nanoTime() < deadline) {
                if (!rest && !get(client, restUrl, 300)[0].equals("-1")) {
                    out.println("REST " + now());
                    rest = true;
                }
                if (!member && System.nanoTime() >= nextMember) {
                    String[] r = readKey(client, memberUrl);
                    if (r != null && !r[0].equals("ABSENT")) {
                        String session = r[1];
                        if (session != null && !session.equals(oldSession)) {
                            out.println("MEMBER " + now() + " " + session);
                            member = true;
                        }
                    }
                    nextMember = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            if (!rest || !member) {
                out.println("TIMEOUT rest=" + rest + " member=" + member);
            }
        }
    }

    /** The "Session" field of a Consul KV read (a JSON array of one entry), without a JSON library. */
    static String sessionOf(String json) {
        int i = json.indexOf("\"Session\":\"");
        if (i < 0) {
            return null;
        }
        int start = i + "\"Session\":\"".length();
        return json.substring(start, json.indexOf('"', start));
    }

    static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ");
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // The connection is being thrown away after a failure; nothing to do with this one.
        }
    }
}
