package io.patronijvm.dcs.etcd;

import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.testkit.etcd.LocalEtcd;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Shared set-up for tests against a real etcd: members on 127.0.4.1-3 by default; system property
 * {@code etcd.testHosts} (comma-separated addresses) moves them, so a developer's run can go beside CI.
 */
final class EtcdTestSupport {

    static final List<String> THREE = hosts();

    private EtcdTestSupport() {
    }

    private static List<String> hosts() {
        String v = System.getProperty("etcd.testHosts", "");
        if (v.isBlank() || v.startsWith("${")) {
            return List.of("127.0.4.1", "127.0.4.2", "127.0.4.3");
        }
        List<String> h = Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (h.size() != 3) {
            throw new IllegalArgumentException("etcd.testHosts must name 3 addresses, got '" + v + "'");
        }
        return h;
    }

    static double timingMultiple() {
        return Double.parseDouble(System.getProperty("timing.multiple", "1"));
    }

    static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * timingMultiple()));
    }

    /** Starts a real 3-member etcd cluster, or skips the test class when no binary is installed. */
    static LocalEtcd startOrSkip() throws IOException {
        Optional<Path> bin = LocalEtcd.findBinary();
        Assumptions.assumeTrue(bin.isPresent(), "no etcd binary: install Debian's etcd-server (scripts/setup) "
                + "or set PATRONI_JVM_ETCD_BIN");
        long t0 = System.nanoTime();
        LocalEtcd e = LocalEtcd.start(bin.get(), THREE, scaled(Duration.ofSeconds(30)));
        System.out.printf("etcd %s up with a leader after %d ms%n", THREE, (System.nanoTime() - t0) / 1_000_000);
        return e;
    }

    static EtcdDcs dcs(List<String> endpoints, String scope, String name, int ttl, int retryTimeout) {
        return new EtcdDcs(Etcd3Config.local(endpoints), endpoints, "/service", scope, name, MonotonicClock.SYSTEM,
                Sleeper.SYSTEM, ttl, retryTimeout);
    }
}
