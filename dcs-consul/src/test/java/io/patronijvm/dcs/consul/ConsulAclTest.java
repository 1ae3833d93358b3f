package io.patronijvm.dcs.consul;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsOutcome.Kind;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.Leader;
import io.patronijvm.testkit.consul.LocalConsul;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Consul with ACLs on, default deny (spec 6 row 4: the token goes on every call, watches included). */
class ConsulAclTest {

    private static final String TOKEN = UUID.randomUUID().toString();
    private static LocalConsul consul;

    @BeforeAll
    static void startConsul() throws Exception {
        consul = ConsulTestSupport.startOrSkip(List.of("127.0.3.9"), TOKEN);
    }

    @AfterAll
    static void stopConsul() {
        if (consul != null) {
            consul.close();
        }
    }

    private static ConsulDcs client(String token, String name) {
        return ConsulTestSupport.dcs(ConsulTestSupport.withToken(ConsulTestSupport.config("127.0.3.9"), token), "acl",
                name, 20, 3);
    }

    @Test
    void rightTokenWorksForWritesReadsAndWatches() throws Exception {
        try (ConsulDcs a = client(TOKEN, "a"); ConsulDcs b = client(TOKEN, "b")) {
            assertThat(a.acquireLeader().ok()).isTrue();
            Leader l = b.loadCluster().leader();
            assertThat(l.name()).isEqualTo("a");
            assertThat(a.releaseLeader(l).ok()).isTrue();
            long t0 = System.nanoTime();
            assertThat(b.watchLeader(l.version(), Duration.ofSeconds(5))).as("watch sends the token").isTrue();
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
        }
    }

    @Test
    void wrongTokenIsReportedAsPermissionDeniedNotRetriedForever() throws Exception {
        try (ConsulDcs bad = client(UUID.randomUUID().toString(), "bad")) {
            long t0 = System.nanoTime();
            DcsOutcome out = bad.acquireLeader();
            assertThat(out.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(out.detail()).containsIgnoringCase("permission denied").contains("consul.token");
            assertThat((System.nanoTime() - t0) / 1e9).as("an ACL refusal is not retried").isLessThan(1.0);
            assertThat(bad.writeConfig(java.util.Map.of("ttl", 20), -1).detail()).containsIgnoringCase("permission denied");
            assertThatThrownBy(bad::loadCluster).isInstanceOf(DcsUnavailableException.class)
                    .hasMessageContaining("permission denied");
        }
    }
}
