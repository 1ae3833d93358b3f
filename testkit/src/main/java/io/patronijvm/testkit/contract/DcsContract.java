package io.patronijvm.testkit.contract;

import io.patronijvm.core.dcs.Dcs;
import io.patronijvm.core.dcs.DcsOutcome.Kind;
import io.patronijvm.core.dcs.WatchCancel;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.SyncState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One behaviour contract for every {@link Dcs} implementation (spec 2.1-2.4), run against the
 * in-memory DCS, real Consul and real etcd, so the simulation cannot drift from production and
 * the two stores cannot drift from each other. A "session" is a Consul session or an etcd lease.
 */
public abstract class DcsContract {

    private static final AtomicInteger SCOPES = new AtomicInteger();

    private final List<Dcs> opened = new ArrayList<>();
    protected String scope;

    /** A client for member {@code name} of cluster {@code scope}. */
    protected abstract Dcs newClient(String scope, String name);

    /** Destroys the member's current session behind its back (as a restarted Consul agent would). */
    protected abstract void destroySession(Dcs client);

    /** How many sessions exist in the whole store. */
    protected abstract int sessionCount();

    /** The session (Consul) or lease (etcd) the client holds now, as member keys name it; null when none. */
    protected abstract String currentSession(Dcs client);

    @BeforeEach
    protected void newScope() {
        scope = "contract" + SCOPES.incrementAndGet() + "-" + getClass().getSimpleName().toLowerCase();
    }

    @AfterEach
    protected void closeAll() {
        opened.forEach(Dcs::close);
    }

    protected Dcs client(String name) {
        Dcs d = newClient(scope, name);
        opened.add(d);
        return d;
    }

    public static Map<String, Object> memberJson(String role, String host) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("conn_url", "postgres://" + host + ":5432/postgres");
        m.put("api_url", "http://" + host + ":8008/patroni");
        m.put("state", "running");
        m.put("role", role);
        m.put("version", "3.3.1");
        m.put("xlog_location", 67108864L);
        m.put("timeline", 2);
        m.put("tags", Map.of("nofailover", true));
        return m;
    }

    @Test
    public void emptyClusterLoadsAsEmptyViewNotAnError() throws Exception {
        ClusterView v = client("a").loadCluster();
        assertThat(v.initialize()).isNull();
        assertThat(v.leader()).isNull();
        assertThat(v.members()).isEmpty();
        assertThat(v.config()).isNull();
    }

    @Test
    public void preparedWritesMakeTheSessionTheFirstMemberKeyIsBoundTo() throws Exception {
        Dcs a = client("a");
        assertThat(currentSession(a)).isNull();
        assertThat(a.prepareWrites().ok()).isTrue();
        String prepared = currentSession(a);
        assertThat(prepared).as("session or lease after prepareWrites").isNotNull();
        assertThat(a.touchMember(Map.of("state", "running")).ok()).isTrue();
        assertThat(currentSession(a)).isEqualTo(prepared);
        assertThat(client("reader").loadCluster().member("a").orElseThrow().session()).isEqualTo(prepared);
    }

    @Test
    public void readersNeverCreateSessions() throws Exception {
        int before = sessionCount();
        Dcs reader = client("reader");
        reader.loadCluster();
        reader.watchLeader(0, Duration.ZERO);
        assertThat(sessionCount()).isEqualTo(before);
    }

    @Test
    public void bootstrapRaceHasOneWinnerAndSysidIsStored() throws Exception {
        Dcs a = client("a");
        Dcs b = client("b");
        assertThat(a.raceInitialize().kind()).isEqualTo(Kind.OK);
        assertThat(b.raceInitialize().kind()).isEqualTo(Kind.CONFLICT);
        assertThat(b.loadCluster().initialize()).isEmpty();
        assertThat(a.writeInitialize("7382937492837492837").ok()).isTrue();
        assertThat(b.loadCluster().initializeIsSysid()).isTrue();
        assertThat(a.cancelInitialize().ok()).isTrue();
        assertThat(b.loadCluster().initialize()).isNull();
    }

    @Test
    public void leaderLockHasOneHolderWithItsSessionAndVersion() throws Exception {
        Dcs a = client("a");
        Dcs b = client("b");
        assertThat(a.acquireLeader().kind()).isEqualTo(Kind.OK);
        assertThat(b.acquireLeader().kind()).isEqualTo(Kind.CONFLICT);
        Leader l = b.loadCluster().leader();
        assertThat(l.name()).isEqualTo("a");
        assertThat(l.session()).isNotBlank();
        assertThat(l.version()).isPositive();
        assertThat(a.updateLeader(l).kind()).isEqualTo(Kind.OK);
        assertThat(b.updateLeader(l).kind()).isNotEqualTo(Kind.OK);
        assertThat(b.loadCluster().leader().name()).isEqualTo("a");
    }

    @Test
    public void releasedLockCanBeTakenByAnother() throws Exception {
        Dcs a = client("a");
        Dcs b = client("b");
        assertThat(a.acquireLeader().ok()).isTrue();
        Leader l = a.loadCluster().leader();
        assertThat(a.releaseLeader(l).ok()).isTrue();
        assertThat(a.loadCluster().leader()).isNull();
        assertThat(b.acquireLeader().ok()).isTrue();
        assertThat(a.loadCluster().leader().name()).isEqualTo("b");
    }

    @Test
    public void destroyedSessionIsReportedAsSessionLostAndAFreshAcquireRetakesTheLock() throws Exception {
        Dcs a = client("a");
        assertThat(a.acquireLeader().ok()).isTrue();
        Leader before = a.loadCluster().leader();
        destroySession(a);
        assertThat(a.loadCluster().leader()).as("behavior=delete removes the key").isNull();
        assertThat(a.updateLeader(before).kind()).isEqualTo(Kind.SESSION_LOST);
        assertThat(a.acquireLeader().kind()).isEqualTo(Kind.OK);
        Leader after = a.loadCluster().leader();
        assertThat(after.name()).isEqualTo("a");
        assertThat(after.session()).isNotEqualTo(before.session());
        assertThat(a.updateLeader(after).ok()).isTrue();
    }

    @Test
    public void memberKeyIsBoundToTheSessionAndParsedLikePatroni() throws Exception {
        Dcs a = client("a");
        assertThat(a.touchMember(memberJson("master", "127.0.0.11")).ok()).isTrue();
        Member m = client("reader").loadCluster().member("a").orElseThrow();
        assertThat(m.role()).isEqualTo(Role.PRIMARY);
        assertThat(m.connUrl()).isEqualTo("postgres://127.0.0.11:5432/postgres");
        assertThat(m.apiUrl()).isEqualTo("http://127.0.0.11:8008/patroni");
        assertThat(m.patroniVersion()).isEqualTo("3.3.1");
        assertThat(m.xlogLocation()).isEqualTo(67108864L);
        assertThat(m.timeline()).isEqualTo(2);
        assertThat(m.tags().noFailover()).isTrue();
        assertThat(m.session()).isNotBlank();
        destroySession(a);
        assertThat(a.loadCluster().member("a")).as("member key dies with the session").isEmpty();
        assertThat(a.touchMember(memberJson("replica", "127.0.0.11")).ok()).isTrue();
        assertThat(a.loadCluster().member("a").orElseThrow().role()).isEqualTo(Role.REPLICA);
        assertThat(a.deleteMember().ok()).isTrue();
        assertThat(a.loadCluster().members()).isEmpty();
    }

    @Test
    public void configWritesAreCompareAndSet() throws Exception {
        Dcs a = client("a");
        assertThat(a.writeConfig(Map.of("ttl", 30, "loop_wait", 10), 0).ok()).isTrue();
        assertThat(a.writeConfig(Map.of("ttl", 31), 0).kind()).as("create-only on an existing key")
                .isEqualTo(Kind.CONFLICT);
        long v = a.loadCluster().config().version();
        assertThat(a.writeConfig(Map.of("ttl", 32), v).ok()).isTrue();
        assertThat(a.writeConfig(Map.of("ttl", 33), v).kind()).as("stale version").isEqualTo(Kind.CONFLICT);
        assertThat(a.writeConfig(Map.of("ttl", 34), -1).ok()).as("unconditional").isTrue();
        assertThat(a.loadCluster().config().data()).containsEntry("ttl", 34);
    }

    @Test
    public void failoverIsCompareAndSetAndClearedByWritingEmptyObject() throws Exception {
        Dcs a = client("a");
        OffsetDateTime at = OffsetDateTime.parse("2026-03-01T10:00:00+00:00");
        assertThat(a.writeFailover(new Failover("a", "b", at, 0), 0).ok()).isTrue();
        Failover f = a.loadCluster().failover();
        assertThat(f.leader()).isEqualTo("a");
        assertThat(f.candidate()).isEqualTo("b");
        assertThat(f.scheduledAt()).isEqualTo(at);
        assertThat(a.writeFailover(new Failover(null, "c", null, 0), f.version() + 1000).kind())
                .isEqualTo(Kind.CONFLICT);
        assertThat(a.writeFailover(null, f.version()).ok()).isTrue();
        assertThat(a.loadCluster().failover()).isNull();
    }

    @Test
    public void syncIsCompareAndSetAndConfirmed() throws Exception {
        Dcs a = client("a");
        assertThat(a.writeSync(new SyncState("a", Set.of("c", "b"), 0), 0).ok()).isTrue();
        SyncState s = a.loadCluster().sync();
        assertThat(s.leader()).isEqualTo("a");
        assertThat(s.syncStandbys()).containsExactlyInAnyOrder("b", "c");
        assertThat(a.writeSync(new SyncState("a", Set.of(), 0), s.version() + 1000).kind()).isEqualTo(Kind.CONFLICT);
        assertThat(a.writeSync(new SyncState("a", Set.of(), 0), s.version()).ok()).isTrue();
        assertThat(a.loadCluster().sync().syncStandbys()).isEmpty();
        assertThat(a.deleteSync(-1).ok()).isTrue();
        assertThat(a.loadCluster().sync()).isNull();
    }

    @Test
    public void statusHistoryAndFailsafeRoundTrip() throws Exception {
        Dcs a = client("a");
        assertThat(a.writeStatus(new ClusterStatus(50331648L, Map.of("b", 50331000L), List.of("b"))).ok()).isTrue();
        assertThat(a.writeHistory(List.of(new HistoryEntry(1, 25165824L, "no recovery target specified",
                "2026-01-01T00:00:00+00:00", "a"))).ok()).isTrue();
        assertThat(a.writeFailsafe(Map.of("a", "http://127.0.0.11:8008/patroni")).ok()).isTrue();
        ClusterView v = a.loadCluster();
        assertThat(v.status().optime()).isEqualTo(50331648L);
        assertThat(v.status().slots()).containsEntry("b", 50331000L);
        assertThat(v.status().retainSlots()).containsExactly("b");
        assertThat(v.history()).singleElement().satisfies(h -> {
            assertThat(h.timeline()).isEqualTo(1);
            assertThat(h.lsn()).isEqualTo(25165824L);
            assertThat(h.newLeader()).isEqualTo("a");
        });
        assertThat(v.clusterTimeline()).isEqualTo(2);
        assertThat(v.failsafe()).containsEntry("a", "http://127.0.0.11:8008/patroni");
    }

    @Test
    public void deleteClusterRemovesEveryKey() throws Exception {
        Dcs a = client("a");
        a.raceInitialize();
        a.writeConfig(Map.of("ttl", 30), -1);
        a.acquireLeader();
        a.touchMember(memberJson("master", "127.0.0.11"));
        assertThat(a.deleteCluster().ok()).isTrue();
        ClusterView v = a.loadCluster();
        assertThat(v.initialize()).isNull();
        assertThat(v.leader()).isNull();
        assertThat(v.members()).isEmpty();
    }

    @Test
    public void watchReportsALeaderChange() throws Exception {
        Dcs a = client("a");
        Dcs b = client("b");
        a.acquireLeader();
        Leader l = b.loadCluster().leader();
        a.releaseLeader(l);
        assertThat(b.watchLeader(l.version(), Duration.ofSeconds(2))).isTrue();
    }

    /**
     * Issue 17: the HA loop watches for the whole rest of loop_wait and relies on a cancel to see
     * REST intents; a cancel during the watch, or one that came before it, ends it promptly.
     */
    @Test
    public void aCancelEndsTheWatchPromptlyAndTheNextWatchStillSeesAChange() throws Exception {
        Dcs a = client("a");
        Dcs b = client("b");
        assertThat(a.acquireLeader().ok()).isTrue();
        Leader l = b.loadCluster().leader();
        ManualCancel during = new ManualCancel();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(during::cancel, 300, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            // Its answer may be either: after a cancel the loop runs a cycle and reads the key anyway
            // (etcd's gateway may report the aborted stream as canceled, which the watch reads as "may have changed").
            b.watchLeader(l.version(), Duration.ofSeconds(20), during);
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds until the cancelled watch returned").isLessThan(5);
        } finally {
            timer.shutdownNow();
        }
        ManualCancel before = new ManualCancel();
        before.cancel();
        long t1 = System.nanoTime();
        b.watchLeader(l.version(), Duration.ofSeconds(20), before);
        assertThat((System.nanoTime() - t1) / 1e9).as("seconds for a watch cancelled before it began").isLessThan(3);
        a.releaseLeader(l);
        assertThat(b.watchLeader(l.version(), Duration.ofSeconds(5), new ManualCancel())).isTrue();
    }

    /** A cancel fired by the test: hooks registered before run then, hooks registered after run at once. */
    private static final class ManualCancel implements WatchCancel {
        private final List<Runnable> hooks = new ArrayList<>();
        private boolean cancelled;

        void cancel() {
            List<Runnable> run;
            synchronized (this) {
                cancelled = true;
                run = List.copyOf(hooks);
                hooks.clear();
            }
            run.forEach(Runnable::run);
        }

        @Override
        public Registration onCancel(Runnable hook) {
            synchronized (this) {
                if (!cancelled) {
                    hooks.add(hook);
                    return () -> {
                        synchronized (this) {
                            hooks.remove(hook);
                        }
                    };
                }
            }
            hook.run();
            return () -> { };
        }
    }

    @Test
    public void changedTtlMakesTheNextAcquireUseANewSession() throws Exception {
        Dcs a = client("a");
        a.acquireLeader();
        Leader first = a.loadCluster().leader();
        a.applyTiming(8, 3);
        assertThat(a.updateLeader(first).kind()).as("a ttl change is not a lost lease").isEqualTo(Kind.OK);
        Leader second = a.loadCluster().leader();
        assertThat(second.name()).isEqualTo("a");
        assertThat(second.session()).isNotEqualTo(first.session());
    }
}
