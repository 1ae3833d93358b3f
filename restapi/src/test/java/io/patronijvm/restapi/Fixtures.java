package io.patronijvm.restapi;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.ClusterConfig;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.WalSender;
import io.patronijvm.core.status.StatusSnapshot;
import io.patronijvm.testkit.FakeClock;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Snapshots per role, built the way the HA loop would publish them. */
final class Fixtures {

    static final String SCOPE = "batman";
    static final long LEADER_LSN = 50_331_648L; // 0/3000000

    private Fixtures() {
    }

    static DynamicConfig config(boolean paused, boolean syncMode, boolean failsafe) {
        DynamicConfig d = DynamicConfig.defaults();
        return new DynamicConfig(d.ttl(), d.loopWait(), d.retryTimeout(), d.maximumLagOnFailover(),
                d.maximumLagOnSyncnode(), d.maxTimelinesHistory(), d.primaryStartTimeout(), d.primaryStopTimeout(),
                syncMode, false, 1, failsafe, false, paused, true, false, Map.of(), List.of(), Map.of(), List.of(),
                null, Map.of("ttl", 30, "loop_wait", 10));
    }

    static Member member(String name, String host, String state, Role role, Long xlog, Tags tags) {
        return new Member(name, "sess-" + name, 7, "postgres://" + host + ":5432/postgres",
                "http://" + host + ":8008/patroni", state, role, "3.3.1", xlog, 1,
                role == Role.REPLICA && "running".equals(state) ? "streaming" : null, tags, false, false, null, Map.of());
    }

    static ClusterView view(String leader, boolean paused, SyncState sync, Member... members) {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("ttl", 30);
        cfg.put("loop_wait", 10);
        if (paused) {
            cfg.put("pause", true);
        }
        if (sync != null) {
            cfg.put("synchronous_mode", true);
        }
        return new ClusterView("7312345678901234567", new ClusterConfig(cfg, 11),
                leader == null ? null : new Leader(leader, "sess-" + leader, 3), List.of(members), null, sync,
                List.of(), 0, new ClusterStatus(LEADER_LSN, Map.of(), List.of()), null, 42);
    }

    static ClusterView threeNodes() {
        return view("node1", false, null,
                member("node1", "127.0.6.1", "running", Role.PRIMARY, LEADER_LSN, Tags.NONE),
                member("node2", "127.0.6.2", "running", Role.REPLICA, LEADER_LSN, Tags.NONE),
                member("node3", "127.0.6.3", "running", Role.REPLICA, LEADER_LSN - 1_000_000, Tags.NONE));
    }

    static LocalPgState primaryPg() {
        return pg(PgRunState.RUNNING, true, false, LEADER_LSN, -1, -1, false,
                List.of(new WalSender("replicator", "node2", "127.0.6.2", "streaming", "async", 0, LEADER_LSN,
                        LEADER_LSN)));
    }

    static LocalPgState replicaPg(long replayed, boolean streaming) {
        return pg(PgRunState.RUNNING, true, true, -1, replayed, replayed, streaming, List.of());
    }

    static LocalPgState stoppedPg() {
        return pg(PgRunState.STOPPED, false, false, -1, -1, -1, false, List.of());
    }

    static LocalPgState pg(PgRunState state, boolean accepts, boolean recovery, long current, long received,
                           long replayed, boolean streaming, List<WalSender> senders) {
        return new LocalPgState(DataDirState.VALID, "7312345678901234567",
                state != PgRunState.STOPPED, state, accepts, recovery, accepts ? 1 : 0, current, received, replayed,
                recovery ? "2026-01-01 00:00:00.5+00" : null, false, streaming, null, 0, recovery, 150004,
                accepts ? "2026-01-01 00:00:00.123456+00" : null, senders, Set.of(), null, true, false, Map.of(), "");
    }

    /** The builder of snapshots: defaults describe a healthy primary holding the lease. */
    static final class Snap {
        String name = "node1";
        Role role = Role.PRIMARY;
        LocalPgState pg = primaryPg();
        Duration lease = Duration.ofSeconds(10);
        boolean holdsLock = true;
        ClusterView cluster = threeNodes();
        DynamicConfig config = config(false, false, false);
        Tags tags = Tags.NONE;
        boolean paused;
        boolean failsafe;
        boolean watchdogFailed;
        Map<String, Object> scheduledRestart;
        Duration clusterAge = Duration.ZERO;

        static Snap primary() {
            return new Snap();
        }

        static Snap replica(String name, long replayed, boolean streaming) {
            Snap s = new Snap();
            s.name = name;
            s.role = Role.REPLICA;
            s.pg = replicaPg(replayed, streaming);
            s.holdsLock = false;
            return s;
        }

        Snap tags(Map<String, Object> t) {
            tags = new Tags(t);
            return this;
        }

        Snap paused() {
            paused = true;
            config = config(true, config.synchronousMode(), config.failsafeMode());
            return this;
        }

        StatusSnapshot build(FakeClock clock) {
            long now = clock.nanoTime();
            return new StatusSnapshot(SCOPE, name, "3.3.1", "patroni-jvm 0.1.0-SNAPSHOT", role, pg,
                    holdsLock ? now + lease.toNanos() : Long.MIN_VALUE, cluster,
                    cluster == null ? 0 : now - clusterAge.toNanos(), Instant.parse("2026-01-01T00:00:00Z"), config,
                    tags, paused, failsafe, watchdogFailed, "no action. I am (" + name + ")", 5,
                    now + Duration.ofSeconds(10).toNanos(), scheduledRestart, now);
        }
    }
}
