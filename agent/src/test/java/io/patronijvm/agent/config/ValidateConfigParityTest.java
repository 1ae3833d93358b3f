package io.patronijvm.agent.config;

import io.patronijvm.agent.Daemon;
import io.patronijvm.agent.cli.Cli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --validate-config} gives Patroni 3.0.2's verdict: every configuration of a corpus
 * (valid ones and broken ones, written for this test) is validated by the real
 * {@code patroni --validate-config} and by ours, and both must agree on valid or invalid.
 * The machine-dependent parts are set up here: a socket standing in for a reachable Consul, one
 * holding a port "in use", free ports, data directories of each kind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidateConfigParityTest {

    @TempDir
    Path tmp;
    private ServerSocket consul;
    private ServerSocket busy;
    private final Map<String, String> vars = new LinkedHashMap<>();

    private static final String BASE = """
            scope: demo
            name: n1
            restapi:
              listen: 127.0.0.1:${FREE1}
              connect_address: 127.0.0.2:8008
            consul:
              host: 127.0.0.1:${CONSUL}
            postgresql:
              listen: 127.0.0.1:${FREE2}
              connect_address: 127.0.0.2:5432
              data_dir: ${TMP}/data-absent
              authentication:
                superuser: {username: postgres, password: x}
                replication: {username: rep, password: y}
                rewind: {username: rw, password: z}
            """;

    @BeforeAll
    void sockets() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        consul = new ServerSocket(0, 50, lo);
        busy = new ServerSocket(0, 50, lo);
        // Accept and drop: a full backlog would leave the next connect (Patroni's has no timeout) hanging.
        for (ServerSocket server : List.of(consul, busy)) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        server.accept().close();
                    } catch (IOException e) {
                        return; // closed in close()
                    }
                }
            }, "parity-acceptor-" + server.getLocalPort());
            t.setDaemon(true);
            t.start();
        }
        vars.put("CONSUL", Integer.toString(consul.getLocalPort()));
        vars.put("BUSY", Integer.toString(busy.getLocalPort()));
        for (String name : List.of("FREE1", "FREE2", "FREE3")) {
            try (ServerSocket s = new ServerSocket(0, 50, lo)) {
                vars.put(name, Integer.toString(s.getLocalPort()));
            }
        }
    }

    @AfterAll
    void close() throws IOException {
        consul.close();
        busy.close();
    }

    /** name -> configuration text; {@code base(from, to)} replaces one line of the base. */
    private Map<String, String> corpus() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path junk = Files.createDirectories(tmp.resolve("junk"));
        Files.writeString(junk.resolve("something"), "x");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Map<String, String> c = new LinkedHashMap<>();
        c.put("valid base", BASE);
        c.put("scope is a number", base("scope: demo", "scope: 5"));
        c.put("name missing", base("name: n1\n", ""));
        c.put("restapi missing", BASE.replaceAll("(?s)restapi:.*?consul:", "consul:"));
        c.put("restapi port in use", base("listen: 127.0.0.1:${FREE1}", "listen: 127.0.0.1:${BUSY}"));
        c.put("restapi listen without port", base("listen: 127.0.0.1:${FREE1}", "listen: 127.0.0.1"));
        c.put("restapi connect_address loopback", base("connect_address: 127.0.0.2:8008", "connect_address: 127.0.0.1:8008"));
        c.put("restapi connect_address localhost", base("connect_address: 127.0.0.2:8008", "connect_address: localhost:8008"));
        c.put("restapi connect_address without port", base("connect_address: 127.0.0.2:8008", "connect_address: 10.0.0.1"));
        c.put("consul not reachable", base("host: 127.0.0.1:${CONSUL}", "host: 127.0.0.1:${FREE3}"));
        c.put("consul by url", base("host: 127.0.0.1:${CONSUL}", "url: http://127.0.0.1:${FREE3}"));
        c.put("no dcs section", base("consul:\n  host: 127.0.0.1:${CONSUL}\n", ""));
        c.put("postgres port in use", base("listen: 127.0.0.1:${FREE2}", "listen: 127.0.0.1:${BUSY}"));
        c.put("postgres listen two hosts", base("listen: 127.0.0.1:${FREE2}", "listen: 127.0.0.1,127.0.0.3:${FREE2}"));
        c.put("postgres connect_address loopback", base("connect_address: 127.0.0.2:5432", "connect_address: 127.0.0.1:5432"));
        c.put("rewind user missing", base("    rewind: {username: rw, password: z}\n", ""));
        c.put("superuser without username", base("superuser: {username: postgres, password: x}", "superuser: {password: x}"));
        c.put("password a number", base("password: x}", "password: 123}"));
        c.put("data_dir is a file", base("${TMP}/data-absent", file.toString()));
        c.put("data_dir not a data directory", base("${TMP}/data-absent", junk.toString()));
        c.put("data_dir empty", base("${TMP}/data-absent", empty.toString()));
        c.put("bin_dir of PostgreSQL", withPg("  bin_dir: /usr/lib/postgresql/15/bin\n"));
        c.put("bin_dir missing", withPg("  bin_dir: " + tmp.resolve("nowhere") + "\n"));
        c.put("bin_dir without programs", withPg("  bin_dir: " + empty + "\n"));
        String bootstrap = "bootstrap:\n  dcs: {ttl: 30, loop_wait: 10}\n  pg_hba: ['host all all 0.0.0.0/0 md5']\n"
                + "  initdb: [data-checksums, {encoding: UTF8}]\n";
        c.put("bootstrap complete", BASE + bootstrap);
        c.put("bootstrap without pg_hba", BASE + bootstrap.replace("  pg_hba: ['host all all 0.0.0.0/0 md5']\n", ""));
        c.put("bootstrap with empty initdb", BASE + bootstrap.replace("[data-checksums, {encoding: UTF8}]", "[]"));
        c.put("bootstrap ttl as text", BASE + bootstrap.replace("ttl: 30", "ttl: '30'"));
        c.put("tag nofailover as text", BASE + "tags: {nofailover: 'true'}\n");
        c.put("tag replicatefrom a number", BASE + "tags: {replicatefrom: 5}\n");
        c.put("custom tags", BASE + "tags: {nofailover: false, zone: a, weight: 3}\n");
        c.put("watchdog automatic", BASE + "watchdog: {mode: automatic}\n");
        c.put("watchdog mode unknown", BASE + "watchdog: {mode: sometimes}\n");
        c.put("pg_ctl_timeout number", withPg("  pg_ctl_timeout: 60\n"));
        c.put("pg_ctl_timeout text", withPg("  pg_ctl_timeout: '60'\n"));
        c.put("use_pg_rewind as text", withPg("  use_pg_rewind: 'true'\n"));
        c.put("empty unix_socket_directories", withPg("  parameters: {unix_socket_directories: ''}\n"));
        c.put("empty pg_hba", withPg("  pg_hba: []\n"));
        c.put("restapi is a list", base("restapi:\n  listen: 127.0.0.1:${FREE1}\n  connect_address: 127.0.0.2:8008\n",
                "restapi: [a]\n"));
        return c;
    }

    private String base(String from, String to) {
        assertThat(BASE).contains(from);
        return BASE.replace(from, to);
    }

    private String withPg(String lines) {
        return BASE.replace("postgresql:\n", "postgresql:\n" + lines);
    }

    @Test
    void ourVerdictIsPatronisForEveryConfigurationOfTheCorpus() throws Exception {
        boolean ci = "true".equals(System.getenv("CI")) || System.getenv("PATRONI_JVM_BUILD_DIR") != null;
        boolean patroni = Files.isExecutable(Path.of("/usr/bin/patroni"));
        if (!patroni && ci) {
            fail("patroni (Debian's 3.0.2) is not installed: scripts/setup installs it");
        }
        assumeTrue(patroni, "patroni is not installed; the parity check needs the real one");
        vars.put("TMP", tmp.toString());
        Map<String, Path> files = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, String> e : corpus().entrySet()) {
            String text = e.getValue();
            for (Map.Entry<String, String> v : vars.entrySet()) {
                text = text.replace("${" + v.getKey() + "}", v.getValue());
            }
            files.put(e.getKey(), Files.writeString(tmp.resolve("case" + i++ + ".yml"), text));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Map<String, Future<Integer>> theirs = new LinkedHashMap<>();
            files.forEach((name, f) -> theirs.put(name, pool.submit(() -> patroniValidate(f))));
            List<String> differences = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            for (Map.Entry<String, Path> e : files.entrySet()) {
                int real = theirs.get(e.getKey()).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int ours = ours(e.getValue(), out);
                if ((real == 0) != (ours == 0)) {
                    differences.add(e.getKey() + ": patroni " + (real == 0 ? "valid" : "invalid") + ", ours "
                            + (ours == 0 ? "valid" : "invalid") + "\n" + out.toString(StandardCharsets.UTF_8));
                }
            }
            assertThat(differences).as("configurations judged differently").isEmpty();
            assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int patroniValidate(Path file) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/patroni", "--validate-config", file.toString())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PATRONI_"));
        Process p = pb.start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("patroni --validate-config " + file + " did not finish in 60 s");
        }
        return p.exitValue();
    }

    private static int ours(Path file, ByteArrayOutputStream out) {
        Daemon never = cfg -> {
            throw new IllegalStateException("validation started the daemon");
        };
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new Cli(Map.of(), ps, ps, () -> never).execute("--validate-config", file.toString());
    }
}
