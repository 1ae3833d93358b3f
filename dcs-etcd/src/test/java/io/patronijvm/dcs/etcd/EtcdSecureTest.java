package io.patronijvm.dcs.etcd;

import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.testkit.etcd.LocalEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code etcd3:} security settings against a real etcd 3.4: {@code cacert}/{@code cert}/{@code key}
 * on a member that requires client certificates ({@code --client-cert-auth}), {@code username}/
 * {@code password} on a member with etcd authentication enabled (users and roles made with the
 * real etcdctl), and {@code srv} answered by a real DNS server (dnsmasq) on a loopback address.
 * One single-member etcd each, on the fourth and fifth address of the test range.
 */
class EtcdSecureTest {

    @TempDir
    static Path dir;

    private static final List<Process> STARTED = new ArrayList<>();
    /**
     * The members' data directories: on tmpfs when there is one. etcd syncs its WAL on every write,
     * and on a disk shared with busy PostgreSQL clusters one sync took longer than a test's whole
     * retry_timeout (h16: lease grants and txns timing out at load 60). What is asserted is the
     * security settings, not etcd's durability.
     */
    private static Path data;
    private static String certAddr;
    private static String authAddr;
    private static String dnsAddr;
    /** An address of the range where nothing listens. */
    private static String deadAddr;

    @BeforeAll
    static void start() throws Exception {
        Path etcd = LocalEtcd.findBinary().orElse(null);
        Assumptions.assumeTrue(etcd != null && Files.isExecutable(Path.of("/usr/bin/etcdctl")),
                "no etcd/etcdctl: install Debian's etcd-server and etcd-client (scripts/setup)");
        String prefix = EtcdTestSupport.THREE.get(0).substring(0, EtcdTestSupport.THREE.get(0).lastIndexOf('.') + 1);
        Path shm = Path.of("/dev/shm");
        data = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "etcd-secure-")
                : Files.createDirectories(dir.resolve("data"));
        certAddr = prefix + "4";
        authAddr = prefix + "5";
        dnsAddr = prefix + "53";
        deadAddr = prefix + "9";
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=etcd-test-ca");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.crt",
                "-days", "2", "-subj", "/CN=someone-else");
        signed("server", "/CN=etcd", "subjectAltName=IP:" + certAddr + ",IP:" + authAddr);
        signed("client", "/CN=patroni", "extendedKeyUsage=clientAuth");
        STARTED.add(etcd(etcd, "cert", certAddr, "--client-cert-auth", "--trusted-ca-file", path("ca.crt"),
                "--peer-cert-file", path("server.crt"), "--peer-key-file", path("server.key")));
        // The cheapest bcrypt etcd allows: every authenticate hashes the password, and at cost 10 that
        // is CPU a loaded machine does not have to spare. The check itself is the same.
        STARTED.add(etcd(etcd, "auth", authAddr, "--bcrypt-cost", "4"));
        awaitHealthy(certAddr, true);
        awaitHealthy(authAddr, false);
        // etcd's own recipe: root first, then a user whose role may write only under /service/.
        etcdctl(authAddr, "user", "add", "root", "--new-user-password=root-pw");
        etcdctl(authAddr, "user", "add", "patroni", "--new-user-password=s3cret");
        etcdctl(authAddr, "role", "add", "patroni");
        etcdctl(authAddr, "role", "grant-permission", "patroni", "--prefix=true", "readwrite", "/service/");
        etcdctl(authAddr, "user", "grant-role", "patroni", "patroni");
        etcdctl(authAddr, "auth", "enable");
    }

    @AfterAll
    static void stop() throws InterruptedException, IOException {
        for (Process p : STARTED) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (data != null && data.startsWith("/dev/shm")) {
            try (var files = Files.walk(data)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Test
    void clientCertificateFromCertAndKeyIsAcceptedAndNothingElseIs() throws Exception {
        Etcd3Config good = tls(certAddr, "ca.crt", "client.crt", "client.key", null, null);
        assertLeaderRoundTrip(good, "cert");
        assertRefused(tls(certAddr, "ca.crt", null, null, null, null), "no client certificate");
        assertRefused(tls(certAddr, "other-ca.crt", "client.crt", "client.key", null, null), "server not trusted");
        // Patroni allows the key inside the certificate file.
        Files.writeString(dir.resolve("client-both.pem"), Files.readString(dir.resolve("client.crt"))
                + Files.readString(dir.resolve("client.key")));
        assertLeaderRoundTrip(tls(certAddr, "ca.crt", "client-both.pem", null, null, null), "cert-in-one");
    }

    @Test
    void usernameAndPasswordWorkWithEtcdAuthenticationEnabled() throws Exception {
        assertLeaderRoundTrip(tls(authAddr, "ca.crt", null, null, "patroni", "s3cret"), "auth");
        assertRefused(tls(authAddr, "ca.crt", null, null, "patroni", "wrong"), "wrong password");
        assertRefused(tls(authAddr, "ca.crt", null, null, null, null), "no credentials");
    }

    @Test
    void srvRecordsFromARealDnsServerNameTheMembers() throws Exception {
        Path dnsmasq = Path.of("/usr/sbin/dnsmasq");
        Assumptions.assumeTrue(Files.isExecutable(dnsmasq), "no dnsmasq: install dnsmasq-base (scripts/setup)");
        Process dns = new ProcessBuilder(dnsmasq.toString(), "--keep-in-foreground", "--no-resolv", "--no-hosts",
                "--listen-address=" + dnsAddr, "--bind-interfaces", "--port=5353", "--pid-file=", "--user=" + user(),
                "--srv-host=_etcd-client-ssl._tcp.etcd.test," + certAddr + ",2379,0,100",
                "--srv-host=_etcd-client._tcp.dc2.test," + authAddr + ",2379,0,100",
                "--srv-host=_etcd-client-ssl-blue._tcp.etcd.test," + authAddr + ",2379,0,100",
                // Only peer records: Patroni's last resort asks the peers for /members.
                "--srv-host=_etcd-server-ssl._tcp.peers.test," + certAddr + ",2380,0,100",
                "--srv-host=_etcd-server._tcp.peers.test," + authAddr + ",2380,0,100",
                "--srv-host=_etcd-server._tcp.plain-peers.test," + deadAddr + ",2380,0,100",
                "--srv-host=_etcd-server._tcp.plain-peers.test," + authAddr + ",2380,1,100",
                // A client record beats a peer record of the same name.
                "--srv-host=_etcd._tcp.order.test," + certAddr + ",2379,0,100",
                "--srv-host=_etcd-server._tcp.order.test," + authAddr + ",2380,0,100",
                "--log-facility=" + dir.resolve("dnsmasq.log"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
        STARTED.add(dns);
        String server = "dns://" + dnsAddr + ":5353";
        Etcd3Config viaSrv = new Etcd3Config("https", List.of(), false, "etcd.test", null, null, null,
                path("ca.crt"), path("client.crt"), path("client.key"));
        List<String> found = awaitSrv(viaSrv, server);
        assertThat(found).containsExactly("https://" + certAddr + ":2379");
        assertLeaderRoundTrip(viaSrv, found, "srv");
        Etcd3Config suffixed = new Etcd3Config("https", List.of(), false, "etcd.test", "blue", null, null,
                path("ca.crt"), null, null);
        assertThat(EtcdSrv.endpoints(suffixed, server)).containsExactly("https://" + authAddr + ":2379");
        Etcd3Config plain = new Etcd3Config("http", List.of("http://fallback:2379"), false, "dc2.test", null,
                null, null, null, null, null);
        assertThat(EtcdSrv.endpoints(plain, server)).as("_etcd-client is plain http")
                .containsExactly("http://" + authAddr + ":2379");
        Etcd3Config none = new Etcd3Config("http", List.of("http://fallback:2379"), false, "nothing.test", null,
                null, null, null, null, null);
        assertThat(EtcdSrv.endpoints(none, server)).as("no record: the configured hosts").containsExactly(
                "http://fallback:2379");
        // The peer records, _etcd-server-ssl before _etcd-server: GET /members on the peer port
        // (https with its certificate unverified, as Patroni) gives the members' client URLs.
        assertThat(EtcdSrv.endpoints(srvOnly("peers.test"), server)).as("_etcd-server-ssl first")
                .containsExactly("https://" + certAddr + ":2379");
        // A peer that does not answer is skipped for the next target of the same record.
        assertThat(EtcdSrv.endpoints(srvOnly("plain-peers.test"), server)).as("_etcd-server, first answering peer")
                .containsExactly("https://" + authAddr + ":2379");
        assertThat(EtcdSrv.endpoints(srvOnly("order.test"), server)).as("_etcd before _etcd-server")
                .containsExactly("http://" + certAddr + ":2379");
        // Found through the peers, the member works with the client settings of the section.
        Etcd3Config viaPeers = new Etcd3Config("https", List.of(), false, "peers.test", null, null, null,
                path("ca.crt"), path("client.crt"), path("client.key"));
        assertLeaderRoundTrip(viaPeers, EtcdSrv.endpoints(viaPeers, server), "srv-peers");
    }

    private static Etcd3Config srvOnly(String domain) {
        return new Etcd3Config("http", List.of("http://fallback:2379"), false, domain, null, null, null, null, null,
                null);
    }

    private static List<String> awaitSrv(Etcd3Config cfg, String server) {
        long end = System.nanoTime() + EtcdTestSupport.scaled(Duration.ofSeconds(20)).toNanos();
        List<String> found = EtcdSrv.endpoints(cfg, server);
        while (found.isEmpty() && System.nanoTime() - end < 0) {
            pause();
            found = EtcdSrv.endpoints(cfg, server);
        }
        return found;
    }

    private static void assertLeaderRoundTrip(Etcd3Config cfg, String scope) throws Exception {
        assertLeaderRoundTrip(cfg, cfg.endpoints(), scope);
    }

    private static void assertLeaderRoundTrip(Etcd3Config cfg, List<String> endpoints, String scope) throws Exception {
        Dcs a = dcs(cfg, endpoints, scope);
        try {
            io.patronijvm.core.dcs.DcsOutcome acquired = a.acquireLeader();
            assertThat(acquired.ok()).as("acquire over %s: %s", cfg, acquired).isTrue();
            assertThat(a.loadCluster().leader().name()).isEqualTo("a");
            assertThat(a.deleteCluster().ok()).isTrue();
        } finally {
            a.close();
        }
    }

    private static void assertRefused(Etcd3Config cfg, String why) {
        // A refused handshake is retried until the deadline (it looks like a connection error), so a
        // short one: an accepted call takes well under a second.
        Dcs d = dcs(cfg, cfg.endpoints(), "refused", 3);
        try {
            assertThatThrownBy(d::loadCluster).as(why).isInstanceOf(DcsUnavailableException.class);
            assertThat(d.acquireLeader().ok()).as(why).isFalse();
        } finally {
            d.close();
        }
    }

    private static Dcs dcs(Etcd3Config cfg, List<String> endpoints, String scope) {
        return dcs(cfg, endpoints, scope, 10);
    }

    private static Dcs dcs(Etcd3Config cfg, List<String> endpoints, String scope, int retryTimeoutSeconds) {
        int retryTimeout = (int) Math.ceil(retryTimeoutSeconds * EtcdTestSupport.timingMultiple());
        return new EtcdDcs(cfg, endpoints, "/service", scope, "a", MonotonicClock.SYSTEM, Sleeper.SYSTEM,
                Math.max(30, 3 * retryTimeout), retryTimeout);
    }

    private static Etcd3Config tls(String addr, String ca, String cert, String key, String user, String password) {
        return new Etcd3Config("https", List.of("https://" + addr + ":2379"), true, null, null, user, password,
                path(ca), cert == null ? null : path(cert), key == null ? null : path(key));
    }

    private static Process etcd(Path bin, String name, String addr, String... extra) throws IOException {
        String peer = List.of(extra).contains("--peer-cert-file") ? "https://" : "http://";
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--name", name,
                "--data-dir", data.resolve(name).toString(),
                "--listen-client-urls", "https://" + addr + ":2379", "--advertise-client-urls", "https://" + addr + ":2379",
                "--listen-peer-urls", peer + addr + ":2380", "--initial-advertise-peer-urls", peer + addr + ":2380",
                "--initial-cluster", name + "=" + peer + addr + ":2380", "--cert-file", path("server.crt"),
                "--key-file", path("server.key"), "--logger", "zap", "--log-level", "warn", "--enable-v2=false"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static void awaitHealthy(String addr, boolean clientCert) throws Exception {
        long end = System.nanoTime() + EtcdTestSupport.scaled(Duration.ofSeconds(30)).toNanos();
        String last = "";
        while (System.nanoTime() - end < 0) {
            Result r = run(etcdctlCommand(addr, clientCert, List.of("endpoint", "health")));
            if (r.code() == 0) {
                return;
            }
            last = r.output();
            pause();
        }
        throw new AssertionError("etcd on " + addr + " not healthy: " + last);
    }

    /**
     * Only before {@code auth enable}: afterwards etcd would want root's credentials. A loaded
     * machine can time a request out although etcd applied it; a retry then finds it done.
     */
    private static void etcdctl(String addr, String... args) throws Exception {
        long end = System.nanoTime() + EtcdTestSupport.scaled(Duration.ofSeconds(60)).toNanos();
        Result r = run(etcdctlCommand(addr, false, List.of(args)));
        while (r.code() != 0 && !r.output().contains("already exists") && !r.output().contains("already enabled")
                && System.nanoTime() - end < 0) {
            pause();
            r = run(etcdctlCommand(addr, false, List.of(args)));
        }
        assertThat(r.code() == 0 || r.output().contains("already")).as("etcdctl %s: %s", List.of(args), r.output())
                .isTrue();
    }

    private static List<String> etcdctlCommand(String addr, boolean clientCert, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcdctl", "--endpoints=https://" + addr + ":2379",
                "--cacert=" + path("ca.crt"), "--dial-timeout=5s", "--command-timeout=15s"));
        if (clientCert) {
            cmd.addAll(List.of("--cert=" + path("client.crt"), "--key=" + path("client.key")));
        }
        cmd.addAll(args);
        return cmd;
    }

    private static void signed(String who, String subject, String ext) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", subject,
                "-addext", ext);
        openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", who + ".crt", "-days", "2", "-copy_extensions", "copy");
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Result r = run(cmd);
        assertThat(r.code()).as("%s: %s", cmd, r.output()).isZero();
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after 60 s: " + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    private static String path(String name) {
        return dir.resolve(name).toString();
    }

    private static String user() {
        return System.getProperty("user.name");
    }

    private static void pause() {
        try {
            // polling real external processes (etcd, dnsmasq) that have no readiness event
            TimeUnit.MILLISECONDS.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
