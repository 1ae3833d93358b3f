package io.patronijvm.restapi;

import io.patronijvm.core.status.StatusSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The metrics registry is built by the first scrape, which answers exactly as an eager one. */
class LazyMetricsTest {

    @Test
    void theRegistryIsBuiltByTheFirstScrapeOnly() throws Exception {
        StatusSnapshot s = Fixtures.Snap.replica("node2", Fixtures.LEADER_LSN, true).build(new io.patronijvm.testkit.FakeClock());
        LazyMetrics lazy = new LazyMetrics("demo", "node2");
        assertThat(lazy.built()).as("nothing scraped yet").isFalse();

        byte[] first = lazy.scrape(s, 0);

        assertThat(lazy.built()).isTrue();
        assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(new PatroniMetrics("demo", "node2").scrape(s, 0), java.nio.charset.StandardCharsets.UTF_8))
                .contains("patroni_replica{name=\"node2\",scope=\"demo\"} 1.0");
        assertThat(lazy.scrape(s, 0)).isEqualTo(first);
    }
}
