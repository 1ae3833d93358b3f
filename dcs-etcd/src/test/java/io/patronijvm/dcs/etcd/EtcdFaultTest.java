package io.patronijvm.dcs.etcd;

import io.patronijvm.core.dcs.DcsOutcome;
import io.patronijvm.core.dcs.DcsOutcome.Kind;
import io.patronijvm.core.dcs.DcsUnavailableException;
import io.patronijvm.core.model.Leader;
import io.patronijvm.testkit.etcd.LocalEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * etcd members killed, frozen and cut off under a live client (spec 2.4 transport, 3.10 DCS
 * unreachable, issue #3314 stale member), on a real 3-member etcd 3.4 cluster. Each test leaves
 * all three members running with a leader.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdFaultTest {

    private static final int RETRY_TIMEOUT = 3;
    private static LocalEtcd etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdTestSupport.startOrSkip();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void allMembersBack() throws Exception {
        for (int i = 0; i < 3; i++) {
            if (etcd.isRunning(i)) {
                etcd.thaw(i);
            } else {
                etcd.startMember(i);
            }
        }
        etcd.awaitLeader(EtcdTestSupport.scaled(Duration.ofSeconds(30)));
    }

    /** Client URLs with member {@code first} first (the one the client prefers). */
    private static List<String> startingAt(int first) {
        List<String> urls = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            urls.add(etcd.clientUrl((first + k) % 3));
        }
        return urls;
    }

    private static double limit() {
        return RETRY_TIMEOUT + 1.5 * EtcdTestSupport.timingMultiple();
    }

    @Test
    @Order(1)
    void killedPreferredMemberIsLeftForTheNextWithinOneRetryTimeout() throws Exception {
        int target = (etcd.raftLeader() + 1) % 3; // a follower: the other two keep the quorum and the leader
        try (EtcdDcs dcs = EtcdTestSupport.dcs(startingAt(target), "memberkill", "a", 20, RETRY_TIMEOUT)) {
            assertThat(dcs.acquireLeader().ok()).isTrue();
            Leader l = dcs.loadCluster().leader();
            etcd.killMember(target);
            long t0 = System.nanoTime();
            DcsOutcome out = dcs.updateLeader(l);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("MEASURED preferred member killed: updateLeader %s in %.2f s (retry_timeout %d s)%n",
                    out.kind(), s, RETRY_TIMEOUT);
            assertThat(out.kind()).isEqualTo(Kind.OK);
            assertThat(s).isLessThan(limit());
            assertThat(dcs.loadCluster().leader().session()).isEqualTo(Long.toString(dcs.leaseId()));
        }
    }

    @Test
    @Order(2)
    void killedRaftLeaderKeepsOurLeaseAndKeyAndAClientOnASurvivorRenewsAgain() throws Exception {
        int leader = etcd.raftLeader();
        int survivor = (leader + 1) % 3;
        try (EtcdDcs dcs = EtcdTestSupport.dcs(startingAt(survivor), "leaderkill", "a", 20, RETRY_TIMEOUT)) {
            assertThat(dcs.acquireLeader().ok()).isTrue();
            long lease = dcs.leaseId();
            long t0 = System.nanoTime();
            etcd.killMember(leader);
            await().atMost(EtcdTestSupport.scaled(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().untilAsserted(() -> assertThat(dcs.updateLeader(dcs.loadCluster().leader())
                            .kind()).isEqualTo(Kind.OK));
            System.out.printf("MEASURED etcd Raft leader killed: our leader key renewed again after %.2f s%n",
                    (System.nanoTime() - t0) / 1e9);
            // A new etcd leader extends every lease (never shortens it): the same lease holds the same key.
            assertThat(dcs.leaseId()).isEqualTo(lease);
            assertThat(dcs.loadCluster().leader().session()).isEqualTo(Long.toString(lease));
            assertThat(etcd.raftLeader()).isNotEqualTo(leader).isNotNegative();
        }
    }

    @Test
    @Order(3)
    void lostQuorumIsUnavailableInBoundedTimeNeverALostLeaseAndTheLockSurvivesAShortOutage() throws Exception {
        int keep = etcd.raftLeader();
        try (EtcdDcs dcs = EtcdTestSupport.dcs(startingAt(keep), "quorum", "a", 20, RETRY_TIMEOUT)) {
            assertThat(dcs.acquireLeader().ok()).isTrue();
            Leader l = dcs.loadCluster().leader();
            etcd.killMember((keep + 1) % 3);
            etcd.killMember((keep + 2) % 3);
            long killed = System.nanoTime();
            // The cut-off Raft leader keeps renewing leases on its own until CheckQuorum makes it step
            // down (1 to 2 election timeouts, 1-2 s here); a new leader would extend every lease by one
            // election timeout when it takes over, which is what keeps docs/etcd-lease.md's rule safe.
            await().atMost(EtcdTestSupport.scaled(Duration.ofSeconds(10))).pollInterval(Duration.ofMillis(100))
                    .until(() -> dcs.updateLeader(l).kind() == Kind.UNAVAILABLE);
            System.out.printf("MEASURED quorum lost: first UNAVAILABLE renewal ended %.2f s after the kill "
                    + "(it took up to retry_timeout itself)%n",
                    (System.nanoTime() - killed) / 1e9);
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                DcsOutcome out = dcs.updateLeader(l);
                double s1 = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                assertThatThrownBy(dcs::loadCluster).isInstanceOf(DcsUnavailableException.class);
                double s2 = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                boolean changed = dcs.watchLeader(l.version(), Duration.ofSeconds(2));
                double s3 = (System.nanoTime() - t0) / 1e9;
                System.out.printf("MEASURED quorum lost: updateLeader %s in %.2f s, loadCluster threw in %.2f s, "
                        + "watch returned %s in %.2f s%n", out.kind(), s1, s2, changed, s3);
                // Unknown, not "lost": the HA loop then rides on its provable lease, then demotes.
                assertThat(out.kind()).isEqualTo(Kind.UNAVAILABLE);
                assertThat(s1).isLessThan(limit());
                assertThat(s2).isLessThan(limit());
                assertThat(s3).isLessThan(2 + 1.5 * EtcdTestSupport.timingMultiple());
            }
            etcd.startMember((keep + 1) % 3);
            etcd.startMember((keep + 2) % 3);
            await().atMost(EtcdTestSupport.scaled(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().untilAsserted(() -> assertThat(dcs.updateLeader(dcs.loadCluster().leader())
                            .kind()).isEqualTo(Kind.OK));
            assertThat(dcs.loadCluster().leader().name()).isEqualTo("a");
        }
    }

    @Test
    @Order(4)
    void staleMemberWithoutQuorumNeverServesUsItsOldLeaderKey() throws Exception {
        int stale = (etcd.raftLeader() + 1) % 3; // a follower
        int a = (stale + 1) % 3;
        int b = (stale + 2) % 3;
        String key = "/service/stale/leader";
        assertThat(etcd.put(a, key, "old-leader")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> etcd.get(stale, key).orElse("").equals("old-leader"));
        etcd.freeze(stale);
        await().atMost(EtcdTestSupport.scaled(Duration.ofSeconds(10))).until(() -> etcd.put(a, key, "new-leader"));
        // Now the stale member alone: the other two frozen, it thawed with the old value and no quorum.
        etcd.freeze(a);
        etcd.freeze(b);
        etcd.thaw(stale);
        String serializable = etcd.post(stale, "/v3/kv/range", "{\"key\":\"" + LocalEtcd.b64(key)
                + "\",\"serializable\":true}").orElse("");
        // Not asserted: SIGSTOP does not close the member's sockets, so the Raft append of
        // "new-leader" may sit in its receive buffer and be applied the moment it is thawed (seen
        // in a CI run). When it was not, Patroni 3.0.2's serializable read gets the old leader.
        System.out.printf("MEASURED stale member alone: a serializable read (Patroni 3.0.2's) returned %s%n",
                serializable.contains(LocalEtcd.b64("old-leader")) ? "the OLD leader key" : "the current key");
        try (EtcdDcs dcs = EtcdTestSupport.dcs(List.of(etcd.clientUrl(stale)), "stale", "reader", 20,
                RETRY_TIMEOUT)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(dcs::loadCluster).as("our linearizable read").isInstanceOf(DcsUnavailableException.class);
            System.out.printf("MEASURED stale member alone: our read refused in %.2f s instead of returning "
                    + "'old-leader'%n", (System.nanoTime() - t0) / 1e9);
            etcd.thaw(a);
            etcd.thaw(b);
            await().atMost(EtcdTestSupport.scaled(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().untilAsserted(() -> assertThat(dcs.loadCluster().leader().name())
                            .isEqualTo("new-leader"));
        }
    }
}
