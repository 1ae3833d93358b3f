package io.patronijvm.testkit.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real etcd cluster of N members on loopback addresses (client port 2379, peer port 2380 on
 * each member's own address), for integration tests. Members can be stopped, killed, frozen
 * (SIGSTOP: alive but silent, then SIGCONT) and restarted with their data. Every process is
 * killed by {@link #close()} and, as a last resort, by a JVM shutdown hook.
 *
 * <p>The binary: {@code PATRONI_JVM_ETCD_BIN}, else {@code /usr/bin/etcd} (Debian's
 * {@code etcd-server}, installed by {@code scripts/setup}). Tests call {@link #findBinary()} and
 * skip with a clear message when it is empty.
 */
public final class LocalEtcd implements AutoCloseable {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"?([0-9]+)\"?");
    private static final Pattern LEADER = Pattern.compile("\"leader\":\"?([0-9]+)\"?");

    private final Path binary;
    private final List<String> addresses;
    private final Path workDir;
    private final Process[] processes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final Thread shutdownHook = new Thread(this::killAll, "local-etcd-shutdown");

    private LocalEtcd(Path binary, List<String> addresses) throws IOException {
        this.binary = binary;
        this.addresses = List.copyOf(addresses);
        this.workDir = Files.createTempDirectory("local-etcd-");
        this.processes = new Process[addresses.size()];
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The etcd binary, when one is installed. */
    public static Optional<Path> findBinary() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("PATRONI_JVM_ETCD_BIN")).ifPresent(candidates::add);
        candidates.add("/usr/bin/etcd");
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts members on {@code addresses} and waits until they elected a leader. */
    public static LocalEtcd start(Path binary, List<String> addresses, Duration deadline) throws IOException {
        LocalEtcd c = new LocalEtcd(binary, addresses);
        try {
            for (int i = 0; i < addresses.size(); i++) {
                c.startMember(i);
            }
            c.awaitLeader(deadline);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public List<String> addresses() {
        return addresses;
    }

    /** {@code http://host:2379} of member i. */
    public String clientUrl(int i) {
        return "http://" + addresses.get(i) + ":2379";
    }

    public List<String> clientUrls() {
        return java.util.stream.IntStream.range(0, addresses.size()).mapToObj(this::clientUrl).toList();
    }

    public boolean isRunning(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** Starts (or restarts) member i with its previous data directory. */
    public void startMember(int i) throws IOException {
        if (isRunning(i)) {
            return;
        }
        Path dir = Files.createDirectories(workDir.resolve("m" + i));
        boolean existing = Files.isDirectory(dir.resolve("data/member"));
        String cluster = java.util.stream.IntStream.range(0, addresses.size())
                .mapToObj(j -> "m" + j + "=http://" + addresses.get(j) + ":2380").collect(Collectors.joining(","));
        String a = addresses.get(i);
        List<String> cmd = List.of(binary.toString(), "--name", "m" + i, "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", "http://" + a + ":2379", "--advertise-client-urls", "http://" + a + ":2379",
                "--listen-peer-urls", "http://" + a + ":2380", "--initial-advertise-peer-urls", "http://" + a + ":2380",
                "--initial-cluster", cluster, "--initial-cluster-state", existing ? "existing" : "new",
                "--initial-cluster-token", "local-etcd-" + workDir.getFileName(),
                "--heartbeat-interval", "100", "--election-timeout", "1000", "--logger", "zap",
                "--log-level", "warn", "--enable-v2=false");
        processes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile())).start();
    }

    /** Stops member i: SIGTERM, then SIGKILL after 10 s. */
    public void stopMember(int i) throws InterruptedException {
        Process p = processes[i];
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGKILLs member i (a crash). */
    public void killMember(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: member i keeps its sockets but answers nobody, peers included (a hung machine). */
    public void freeze(int i) throws IOException, InterruptedException {
        signal(i, "STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    public void thaw(int i) throws IOException, InterruptedException {
        signal(i, "CONT");
    }

    private void signal(int i, String sig) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(processes[i].pid())).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("kill -" + sig + " of etcd member " + i + " failed");
        }
    }

    /** The index of the member that is the Raft leader, asking the running members; -1 when none is known. */
    public int raftLeader() {
        List<String> ids = new ArrayList<>();
        String leader = null;
        for (int i = 0; i < addresses.size(); i++) {
            Optional<String> body = isRunning(i) ? post(i, "/v3/maintenance/status", "{}") : Optional.empty();
            ids.add(body.map(b -> group(MEMBER_ID, b)).orElse(null));
            if (leader == null && body.isPresent()) {
                String l = group(LEADER, body.get());
                leader = l == null || l.equals("0") ? null : l;
            }
        }
        return leader == null ? -1 : ids.indexOf(leader);
    }

    /** Waits until a running member reports an elected leader that answers. */
    public void awaitLeader(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() - end < 0) {
            int l = raftLeader();
            if (l >= 0 && isRunning(l)) {
                return;
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException("etcd members " + addresses + " elected no leader within " + deadline
                + "; last log lines of m0: " + tail(0));
    }

    /** A linearizable read of one key on member i: its value, empty when absent or unanswered. */
    public Optional<String> get(int i, String key) {
        return post(i, "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}").flatMap(b -> {
            Matcher m = Pattern.compile("\"value\":\"([^\"]*)\"").matcher(b);
            if (m.find()) {
                return Optional.of(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
            }
            // The gateway leaves out an empty value: a key that exists reads as "".
            return b.contains("\"kvs\"") ? Optional.of("") : Optional.empty();
        });
    }

    /** A plain put of one key through member i; true when it answered 200. */
    public boolean put(int i, String key, String value) {
        return post(i, "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}").isPresent();
    }

    /** POSTs a JSON body to member i's gateway; the body of a 200 answer, empty otherwise. */
    public Optional<String> post(int i, String path, String json) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(clientUrl(i) + path)).timeout(HTTP_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 ? Optional.of(resp.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The last lines of member i's log, for failure messages. */
    public String tail(int i) {
        try (Stream<String> lines = Files.lines(workDir.resolve("m" + i).resolve("etcd.log"))) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void pause(Duration d) {
        try {
            // Polling a real external process: there is no event to wait on.
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    private void killAll() {
        for (int i = 0; i < processes.length; i++) {
            Process p = processes[i];
            if (p != null && p.isAlive()) {
                try {
                    signal(i, "CONT"); // a frozen process dies on SIGKILL too, but be explicit
                } catch (IOException e) {
                    // it may have died meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.destroyForcibly();
            }
        }
        for (Process p : processes) {
            if (p != null) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Kills every member and deletes the data directories. Idempotent. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // JVM already shutting down: the hook runs anyway.
        }
        try (Stream<Path> walk = Files.walk(workDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Temp files only; leaving them behind is harmless.
        }
    }
}
