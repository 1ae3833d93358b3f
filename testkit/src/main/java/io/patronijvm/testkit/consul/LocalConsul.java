package io.patronijvm.testkit.consul;

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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Consul cluster of N servers on loopback addresses, for integration tests (no fakes for
 * Consul). Each server binds its own address with Consul's standard ports, so several clusters
 * on different address ranges coexist. Data directories are throw-away; every process is killed
 * by {@link #close()} and, as a last resort, by a JVM shutdown hook.
 *
 * <p>The binary: {@code PATRONI_JVM_CONSUL_BIN}, else {@code <PATRONI_JVM_ROOT>/.tools/consul/usr/bin/consul},
 * else {@code /work/main/.tools/consul/usr/bin/consul}. Tests call {@link #findBinary()} and skip
 * with a clear message when it is empty.
 */
public final class LocalConsul implements AutoCloseable {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    private final Path binary;
    private final List<String> addresses;
    private final String aclMasterToken;
    private final Path workDir;
    private final Process[] processes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final Thread shutdownHook = new Thread(this::killAll, "local-consul-shutdown");

    private LocalConsul(Path binary, List<String> addresses, String aclMasterToken) throws IOException {
        this.binary = binary;
        this.addresses = List.copyOf(addresses);
        this.aclMasterToken = aclMasterToken;
        this.workDir = Files.createTempDirectory("local-consul-");
        this.processes = new Process[addresses.size()];
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The Consul binary, when one is installed. */
    public static Optional<Path> findBinary() {
        List<String> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("PATRONI_JVM_CONSUL_BIN")).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv("PATRONI_JVM_ROOT"))
                .ifPresent(r -> candidates.add(r + "/.tools/consul/usr/bin/consul"));
        candidates.add("/work/main/.tools/consul/usr/bin/consul");
        return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts servers on {@code addresses} and waits until they elected a leader. */
    public static LocalConsul start(Path binary, List<String> addresses, Duration deadline) throws IOException {
        return start(binary, addresses, null, deadline);
    }

    /** As {@link #start}, with ACLs on ({@code default_policy = deny}) and the given master token. */
    public static LocalConsul start(Path binary, List<String> addresses, String aclMasterToken, Duration deadline)
            throws IOException {
        LocalConsul c = new LocalConsul(binary, addresses, aclMasterToken);
        try {
            for (int i = 0; i < addresses.size(); i++) {
                c.writeConfig(i);
                c.startServer(i);
            }
            c.awaitLeader(deadline);
            if (aclMasterToken != null) {
                c.awaitAclReady(deadline);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public List<String> addresses() {
        return addresses;
    }

    /** {@code host:8500} of server i. */
    public String httpAddress(int i) {
        return addresses.get(i) + ":8500";
    }

    public boolean isRunning(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** Starts (or restarts) server i with its previous data directory. */
    public void startServer(int i) throws IOException {
        if (isRunning(i)) {
            return;
        }
        Path dir = workDir.resolve("s" + i);
        processes[i] = new ProcessBuilder(binary.toString(), "agent", "-config-file=" + dir.resolve("config.json"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("consul.log").toFile()))
                .start();
    }

    /** Stops server i: SIGTERM, then SIGKILL after 10 s. */
    public void stopServer(int i) throws InterruptedException {
        Process p = processes[i];
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGKILLs server i (a crash). */
    public void killServer(int i) throws InterruptedException {
        Process p = processes[i];
        if (p != null) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The index of the current Raft leader, asking any running server; -1 when none is known. */
    public int raftLeader() {
        for (int i = 0; i < addresses.size(); i++) {
            if (!isRunning(i)) {
                continue;
            }
            Optional<String> body = get(i, "/v1/status/leader");
            if (body.isPresent()) {
                String leader = body.get().replace("\"", "").trim();
                for (int j = 0; j < addresses.size(); j++) {
                    if (leader.equals(addresses.get(j) + ":8300")) {
                        return j;
                    }
                }
            }
        }
        return -1;
    }

    /** Waits until every running server reports the same elected leader. */
    public void awaitLeader(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        String seen = "";
        while (System.nanoTime() - end < 0) {
            List<String> leaders = new ArrayList<>();
            for (int i = 0; i < addresses.size(); i++) {
                if (isRunning(i)) {
                    leaders.add(get(i, "/v1/status/leader").map(s -> s.replace("\"", "").trim()).orElse(""));
                }
            }
            seen = leaders.toString();
            if (!leaders.isEmpty() && leaders.stream().allMatch(l -> !l.isEmpty() && l.equals(leaders.get(0)))
                    && raftLeader() >= 0) {
                return;
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException("Consul servers " + addresses + " elected no leader within " + deadline
                + "; leaders seen: " + seen + "; last log lines: " + tail(0));
    }

    /**
     * With ACLs on, a freshly elected leader still has to establish the ACL system (and the master
     * token) before it honours tokens; until then a write with the master token is refused
     * ("ACL not found" or 403). Waits until the token lets us read our own identity.
     */
    private void awaitAclReady(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        String seen = "";
        while (System.nanoTime() - end < 0) {
            Optional<HttpResponse<String>> r = request(0, "GET", "/v1/acl/token/self", null);
            if (r.isPresent() && r.get().statusCode() == 200) {
                return;
            }
            seen = r.map(x -> x.statusCode() + " " + x.body()).orElse("(no answer)");
            pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException("Consul ACLs not ready within " + deadline + ": " + seen);
    }

    /**
     * Waits until autopilot reports every running server healthy and voting, so that losing one
     * more server leaves a quorum (a freshly restarted server needs a few seconds to catch up).
     */
    public void awaitHealthy(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        String seen = "";
        while (System.nanoTime() - end < 0) {
            for (int i = 0; i < addresses.size(); i++) {
                if (isRunning(i)) {
                    Optional<String> body = get(i, "/v1/operator/autopilot/health");
                    seen = body.orElse("(no answer)");
                    long running = java.util.stream.IntStream.range(0, addresses.size()).filter(this::isRunning).count();
                    if (body.isPresent() && body.get().contains("\"Healthy\":true")
                            && countOf(body.get(), "\"Voter\":true") == running) {
                        return;
                    }
                    break;
                }
            }
            pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException("Consul servers not all healthy voters within " + deadline + ": " + seen);
    }

    private static int countOf(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** The last lines of server i's log, for failure messages. */
    public String tail(int i) {
        try (Stream<String> lines = Files.lines(workDir.resolve("s" + i).resolve("consul.log"))) {
            List<String> all = lines.toList();
            return all.subList(Math.max(0, all.size() - 15), all.size()).stream().collect(Collectors.joining("\n"));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Sends a request to server i with the master token (when ACLs are on); empty on any failure. */
    public Optional<HttpResponse<String>> request(int i, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + httpAddress(i) + path))
                .timeout(HTTP_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (aclMasterToken != null) {
            b.header("X-Consul-Token", aclMasterToken);
        }
        try {
            return Optional.of(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<String> get(int i, String path) {
        return request(i, "GET", path, null).filter(r -> r.statusCode() == 200).map(HttpResponse::body);
    }

    private void writeConfig(int i) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("s" + i));
        String addr = addresses.get(i);
        String join = addresses.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(","));
        String acl = aclMasterToken == null ? "" : ",\"primary_datacenter\":\"dc1\",\"acl\":{\"enabled\":true,"
                + "\"default_policy\":\"deny\",\"down_policy\":\"extend-cache\",\"tokens\":{\"master\":\""
                + aclMasterToken + "\",\"agent\":\"" + aclMasterToken + "\"}}";
        String json = "{\"datacenter\":\"dc1\",\"node_name\":\"consul-" + addr.replace('.', '-') + "\","
                + "\"data_dir\":\"" + dir.resolve("data") + "\",\"server\":true,"
                + "\"bootstrap_expect\":" + addresses.size() + ",\"bind_addr\":\"" + addr + "\","
                + "\"client_addr\":\"" + addr + "\",\"advertise_addr\":\"" + addr + "\","
                + "\"retry_join\":[" + join + "],\"retry_interval\":\"1s\",\"disable_update_check\":true,"
                + "\"session_ttl_min\":\"1s\",\"ports\":{\"dns\":-1},\"log_level\":\"INFO\","
                + "\"leave_on_terminate\":false,\"performance\":{\"raft_multiplier\":1}" + acl + "}";
        Files.writeString(dir.resolve("config.json"), json);
    }

    private static void pause(Duration d) {
        try {
            // Polling a real external process: there is no event to wait on.
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Consul", e);
        }
    }

    private void killAll() {
        for (Process p : processes) {
            if (p != null) {
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

    /** Kills every server and deletes the data directories. Idempotent. */
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
