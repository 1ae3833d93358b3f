package io.patronijvm.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;

/**
 * A real local cluster started and stopped through {@code scripts/cluster} (the user's own
 * command), in a state folder of its own: 3 Consul servers on 127.0.10.1-3, nodes on
 * 127.0.11.i (PostgreSQL 5432, REST 8008, PgBouncer 6432), HAProxy on 127.0.12.1 (writes 5000,
 * reads 5001). Node i talks to Consul server ((i-1) mod 3)+1.
 *
 * <p>System property {@code e2e.clusterNet} (default 10) moves all three ranges, as
 * {@code CLUSTER_NET} does for the script (Consul .N, nodes .N+1, HAProxy .N+2), and a non-default
 * value gets its own state folder, so a developer's run can go beside a CI run on the same machine.
 */
final class LocalCluster implements AutoCloseable {

    static final String SCOPE = "demo";
    static final String PASSWORD = "patroni-demo";
    /** Third octet of the Consul addresses; nodes use +1, HAProxy +2 (scripts/cluster's CLUSTER_NET). */
    static final int NET = clusterNet();
    static final String HAPROXY = "127.0." + (NET + 2) + ".1";
    static final int WRITE_PORT = 5000;
    static final int READ_PORT = 5001;

    private final E2eEnv env;
    private final Timing timing;
    private final Path dir;
    private final int nodes;
    private final Map<Integer, String> agentPerNode;
    private final String dcs;
    private final Map<String, String> scriptEnv;

    LocalCluster(E2eEnv env, Timing timing, String name, int nodes, Map<Integer, String> agentPerNode) {
        this(env, timing, name, nodes, agentPerNode, "consul");
    }

    /** @param dcs {@code consul} or {@code etcd3} (scripts/cluster's CLUSTER_DCS) */
    LocalCluster(E2eEnv env, Timing timing, String name, int nodes, Map<Integer, String> agentPerNode, String dcs) {
        this(env, timing, name, nodes, agentPerNode, dcs, Map.of());
    }

    /** @param scriptEnv more of scripts/cluster's settings for every call (CLUSTER_ETCD_CLIENT, ...) */
    LocalCluster(E2eEnv env, Timing timing, String name, int nodes, Map<Integer, String> agentPerNode, String dcs,
                 Map<String, String> scriptEnv) {
        this.dcs = dcs;
        this.scriptEnv = Map.copyOf(scriptEnv);
        this.env = env;
        this.timing = timing;
        this.dir = Path.of("/var/tmp", "patroni-jvm-e2e-" + System.getProperty("user.name")
                + (NET == 10 ? "" : "-net" + NET), name);
        this.nodes = nodes;
        this.agentPerNode = Map.copyOf(agentPerNode);
    }

    LocalCluster(E2eEnv env, Timing timing, String name) {
        this(env, timing, name, 3, Map.of());
    }

    Path dir() {
        return dir;
    }

    /**
     * What scripts/cluster generated at the first {@code up} into {@code credentials.env}: the REST
     * API's basic auth and the agents' Consul token (nulls for a cluster without that file).
     */
    record Credentials(String restUsername, String restPassword, String consulToken) {
        static final Credentials NONE = new Credentials(null, null, null);
    }

    private volatile Credentials credentials;

    /** Read once the file exists (the cluster is up); {@link Credentials#NONE} before. */
    Credentials credentials() {
        Credentials c = credentials;
        if (c != null) {
            return c;
        }
        Path f = dir.resolve("credentials.env");
        if (!Files.isRegularFile(f)) {
            return Credentials.NONE;
        }
        Map<String, String> kv = new HashMap<>();
        try {
            for (String line : Files.readAllLines(f)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    kv.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
        c = new Credentials(kv.get("CLUSTER_RESTAPI_USERNAME"), kv.get("CLUSTER_RESTAPI_PASSWORD"),
                kv.get("CLUSTER_CONSUL_TOKEN"));
        credentials = c;
        return c;
    }

    /** {@code consul} or {@code etcd3}. */
    String dcs() {
        return dcs;
    }

    boolean onEtcd() {
        return dcs.equals("etcd3");
    }

    Timing timing() {
        return timing;
    }

    E2eEnv env() {
        return env;
    }

    List<String> nodes() {
        return IntStream.rangeClosed(1, nodes).mapToObj(i -> "node" + i).toList();
    }

    private static int clusterNet() {
        String v = System.getProperty("e2e.clusterNet", "10").strip();
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 250) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property e2e.clusterNet must be 1..250, got '" + v + "'");
    }

    static int index(String node) {
        return Integer.parseInt(node.substring("node".length()));
    }

    static String host(String node) {
        return "127.0." + (NET + 1) + "." + index(node);
    }

    static String consulHost(int server) {
        return "127.0." + NET + "." + server;
    }

    /** etcd member {@code member} (1..3): the same addresses as the Consul servers. */
    static String etcdUrl(int member) {
        return "http://127.0." + NET + "." + member + ":2379";
    }

    /** The Consul server node i talks to, as scripts/cluster writes it into patroni.yml. */
    static int consulServerOf(String node) {
        return (index(node) - 1) % 3 + 1;
    }

    Path nodeDir(String node) {
        return dir.resolve(node);
    }

    /** scripts/cluster's CLUSTER_TLS=1: the REST API over https, client certificates required. */
    boolean restOverTls() {
        return "1".equals(scriptEnv.get("CLUSTER_TLS"));
    }

    /** What scripts/cluster generated for CLUSTER_TLS=1: ca.crt, nodeN.crt/.key, ctl.crt/.key. */
    Path tlsDir() {
        return dir.resolve("tls");
    }

    /** A client context with the ctl certificate, trusting the cluster's CA; null without TLS. */
    javax.net.ssl.SSLContext restTls() {
        if (!restOverTls()) {
            return null;
        }
        Path d = tlsDir();
        return io.patronijvm.pem.PemTls.clientContext("e2e", io.patronijvm.pem.PemTls.trustManager("e2e",
                d.resolve("ca.crt").toString()), d.resolve("ctl.crt").toString(), d.resolve("ctl.key").toString());
    }

    /** {@code path} on node's REST API, over https when the cluster runs it so. */
    String restUrl(String node, String path) {
        return (restOverTls() ? "https://" : "http://") + host(node) + ":8008" + path;
    }

    Path patroniYml(String node) {
        return nodeDir(node).resolve("patroni.yml");
    }

    Path dataDir(String node) {
        return nodeDir(node).resolve("data");
    }

    Path agentLog(String node) {
        return nodeDir(node).resolve("log/agent.log");
    }

    /** Starts the whole cluster and waits (inside the script) for 1 primary + N-1 streaming replicas. */
    void up() {
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        script(Duration.ofSeconds(timing.clusterWaitSeconds() + 120), "down");
        long t0 = System.nanoTime();
        Map<String, String> agents = new HashMap<>();
        agents.put("AGENT_CMD", env.ourAgentCommand());
        agentPerNode.forEach((i, c) -> agents.put("AGENT_CMD_NODE" + i, c));
        Exec.Result r = scriptWith(agents, Duration.ofSeconds(timing.clusterWaitSeconds() + 120),
                List.of("up", "--nodes", "" + nodes));
        System.out.printf("[e2e] scripts/cluster up (%s) took %.1f s%n%s%n", env.agent(),
                (System.nanoTime() - t0) / 1e9, r.output());
        r.orThrow();
    }

    /** Stops everything `up` started; safe to call when `up` failed half-way. */
    void down() {
        Exec.Result r = script(Duration.ofMinutes(3), "down");
        System.out.println("[e2e] scripts/cluster down: " + r.output().strip());
    }

    @Override
    public void close() {
        down();
    }

    /** SIGKILL of the node's agent and its PostgreSQL (a machine that dies), or of a Consul server / etcd member. */
    void kill(String name) {
        script(Duration.ofSeconds(30), "kill", name).orThrow();
    }

    /** Starts a node (with the agent it ran before) or a Consul server again. */
    void start(String name) {
        script(Duration.ofSeconds(30), "start", name).orThrow();
    }

    /** Starts a node with another agent command than it had (mixed cluster, replacement). */
    void start(String node, String agentCommand) {
        Map<String, String> extra = Map.of("AGENT_CMD_NODE" + index(node), agentCommand);
        scriptWith(extra, Duration.ofSeconds(30), List.of("start", node)).orThrow();
    }

    /** Graceful stop of a node's agent (SIGTERM, as a service manager does). */
    void stop(String node) {
        script(Duration.ofSeconds(90), "stop", node).orThrow();
    }

    String status() {
        return script(Duration.ofSeconds(60), "status").output();
    }

    long agentPid(String name) {
        try {
            return Long.parseLong(Files.readString(dir.resolve("pids/" + name + ".pid")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("no recorded pid for " + name, e);
        }
    }

    /** The postmaster's pid from the data directory's postmaster.pid, if there is one. */
    OptionalLong postmasterPid(String node) {
        Path pidFile = dataDir(node).resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * SIGKILL of one process we can see (same user, or root), returning once it has left the
     * process table: a detached process is reaped by PID 1, which here can take a second, and
     * until then its pid still looks alive (to scripts/cluster and to PostgreSQL's lock files).
     */
    static void sigkill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Awaitility.await("pid " + pid + " reaped after SIGKILL").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50)).until(() -> !alive(pid));
    }

    String agentLogText(String node) {
        try {
            return Files.readString(agentLog(node));
        } catch (IOException e) {
            return "";
        }
    }

    private Exec.Result script(Duration timeout, String... args) {
        return scriptWith(Map.of(), timeout, List.of(args));
    }

    private Exec.Result scriptWith(Map<String, String> extra, Duration timeout, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(env.clusterScript().toString());
        cmd.addAll(args);
        Map<String, String> e = new HashMap<>();
        e.put("CLUSTER_DIR", dir.toString());
        e.put("CLUSTER_SKIP_SETUP", "1");
        // The addresses this harness talks to: 127.0.NET.x Consul, 127.0.NET+1.x nodes, 127.0.NET+2.1 HAProxy.
        e.put("CLUSTER_NET", Integer.toString(NET));
        e.put("CLUSTER_DCS", dcs);
        // The PostgreSQL password this harness connects with; REST auth and the Consul token are
        // generated by the script (credentials()).
        e.put("CLUSTER_PASSWORD", PASSWORD);
        e.put("CLUSTER_TTL", "" + timing.ttl());
        e.put("CLUSTER_LOOP_WAIT", "" + timing.loopWait());
        e.put("CLUSTER_RETRY_TIMEOUT", "" + timing.retryTimeout());
        e.put("CLUSTER_WAIT", "" + timing.clusterWaitSeconds());
        e.putAll(scriptEnv);
        // Without AGENT_CMD*, `start` brings a node back with the agent it last ran (recorded by the script).
        e.putAll(extra);
        return Exec.run(cmd, e, timeout);
    }
}
