package io.patronijvm.dcs.consul;

import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.testkit.consul.LocalConsul;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Shared set-up for tests against a real Consul (this module's loopback range: 127.0.3.x). */
final class ConsulTestSupport {

    static final List<String> THREE = List.of("127.0.3.1", "127.0.3.2", "127.0.3.3");

    private ConsulTestSupport() {
    }

    static double timingMultiple() {
        return io.patronijvm.testkit.TimingMultiple.value();
    }

    static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * timingMultiple()));
    }

    /** Starts a real Consul cluster, or skips the test class when no binary is installed. */
    static LocalConsul startOrSkip(List<String> addresses, String aclToken) throws IOException {
        Optional<Path> bin = LocalConsul.findBinary();
        Assumptions.assumeTrue(bin.isPresent(), "no Consul binary: set PATRONI_JVM_CONSUL_BIN or install it at "
                + "/work/main/.tools/consul/usr/bin/consul (scripts/setup)");
        long t0 = System.nanoTime();
        LocalConsul c = LocalConsul.start(bin.get(), addresses, aclToken, scaled(Duration.ofSeconds(30)));
        System.out.printf("Consul %s up with a leader after %d ms%n", addresses, (System.nanoTime() - t0) / 1_000_000);
        return c;
    }

    static ConsulConfig config(String host) {
        return ConsulConfig.local(host, 8500);
    }

    static ConsulConfig withToken(ConsulConfig c, String token) {
        return new ConsulConfig(c.scheme(), c.host(), c.port(), token, c.verify(), c.cacert(), c.cert(), c.key(),
                c.dc(), c.consistency(), c.checks(), c.registerService(), c.serviceTags(), c.serviceCheckInterval(),
                c.serviceCheckTlsServerName());
    }

    static ConsulDcs dcs(ConsulConfig cfg, String scope, String name, int ttl, int retryTimeout) {
        return new ConsulDcs(cfg, "/service", scope, name, MonotonicClock.SYSTEM, Sleeper.SYSTEM, ttl, retryTimeout);
    }
}
