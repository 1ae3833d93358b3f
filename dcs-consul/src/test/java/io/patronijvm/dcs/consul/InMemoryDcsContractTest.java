package io.patronijvm.dcs.consul;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.testkit.contract.DcsContract;
import io.patronijvm.core.dcs.DcsOutcome.Kind;
import io.patronijvm.core.model.Leader;
import io.patronijvm.testkit.FakeClock;
import io.patronijvm.testkit.InMemoryDcs;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DCS contract on the in-memory DCS, plus its TTL and fault switches (fake clock, no waiting). */
class InMemoryDcsContractTest extends DcsContract {

    private final FakeClock clock = new FakeClock();
    private final InMemoryDcs.Store store = new InMemoryDcs.Store(clock);

    @Override
    protected Dcs newClient(String scope, String name) {
        return store.client(name, scope, 20);
    }

    @Override
    protected void destroySession(Dcs client) {
        store.expireSession(((InMemoryDcs) client).memberName());
    }

    @Override
    protected String currentSession(Dcs client) {
        return ((InMemoryDcs) client).sessionId();
    }

    @Override
    protected int sessionCount() {
        return store.sessionCount();
    }

    @Test
    void unrenewedSessionExpiresAfterTwiceItsTtlAndTakesTheLeaderKeyWithIt() throws Exception {
        Dcs a = client("a");
        Dcs b = client("b");
        assertThat(a.acquireLeader().ok()).isTrue(); // ttl 20 -> session TTL 10 s, gone after 20 s
        clock.advance(Duration.ofSeconds(19));
        Leader l = b.loadCluster().leader();
        assertThat(l).isNotNull();
        clock.advance(Duration.ofMillis(1001));
        assertThat(b.loadCluster().leader()).isNull();
        assertThat(b.watchLeader(l.version(), Duration.ofSeconds(10))).isTrue();
        assertThat(a.updateLeader(l).kind()).isEqualTo(Kind.SESSION_LOST);
        assertThat(b.acquireLeader().ok()).isTrue();
    }

    @Test
    void renewalKeepsTheLockAlive() throws Exception {
        Dcs a = client("a");
        a.acquireLeader();
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(9));
            assertThat(a.updateLeader(a.loadCluster().leader()).ok()).as("renewal %d", i).isTrue();
        }
    }

    @Test
    void unavailableStoreAnswersUnavailableAndReadsThrow() throws Exception {
        Dcs a = client("a");
        store.setAvailable(false);
        assertThat(a.acquireLeader().kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThatThrownBy(a::loadCluster).hasMessageContaining("unavailable");
        assertThat(a.watchLeader(5, Duration.ofSeconds(10))).isFalse();
        store.setAvailable(true);
        assertThat(a.acquireLeader().ok()).isTrue();
    }

    @Test
    void onePartitionedNodeIsUnavailableWhileOthersWork() throws Exception {
        InMemoryDcs a = (InMemoryDcs) client("a");
        Dcs b = client("b");
        a.setAvailable(false);
        assertThat(a.acquireLeader().kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(b.acquireLeader().ok()).isTrue();
    }

    @Test
    void quietWatchReturnsAtOnceAndMayAdvanceTheFakeClock() throws Exception {
        Dcs a = client("a");
        Dcs b = client("b");
        a.acquireLeader();
        long idx = b.loadCluster().leader().version();
        long before = clock.nanoTime();
        assertThat(b.watchLeader(idx, Duration.ofSeconds(10))).isFalse();
        assertThat(clock.nanoTime()).isEqualTo(before);
        store.setWatchAdvancesClock(true);
        assertThat(b.watchLeader(idx, Duration.ofSeconds(10))).isFalse();
        assertThat(clock.nanoTime() - before).isEqualTo(Duration.ofSeconds(10).toNanos());
    }
}
