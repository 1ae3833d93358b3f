package io.patronijvm.core.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.ClusterConfig;
import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.SyncState;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.peer.PeerStatus;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.WalSender;
import io.patronijvm.core.status.RestartRequest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test builder for one {@link HaInput}. Defaults: a healthy three-node cluster node1 (us, a
 * streaming replica), node2 (leader, primary), node3 (replica); every WAL position 1000;
 * timeline 1; ttl 30, loop_wait 10. Each method changes one fact and returns this.
 */
final class Scenario {

    static final String SYSID = "7000000000000000001";
    static final long NOW = 5_000_000_000_000L;
    static final Instant WALL = Instant.parse("2025-01-01T12:00:00Z");

    String self = "node1";
    Map<String, Object> selfTags = new HashMap<>();
    boolean dcsDown;
    String initialize = SYSID;
    boolean configKey = true;
    String leader = "node2";
    final Map<String, MemberSpec> members = new TreeMap<>();
    Failover failover;
    SyncState sync;
    List<HistoryEntry> history = new ArrayList<>();
    long optime = 1000;
    Map<String, String> failsafe;

    DataDirState dataDir = DataDirState.VALID;
    String sysid = SYSID;
    boolean running = true;
    boolean accepts = true;
    boolean inRecovery = true;
    int timeline = 1;
    long wal = 1000;
    PgRunState state = PgRunState.RUNNING;
    String upstreamHost = "127.0.0.2";
    int upstreamPort = 5432;
    boolean standbySignal = true;
    String controlState = "in archive recovery";
    boolean rewindPossible = true;
    List<WalSender> walSenders = new ArrayList<>();
    Set<String> slots = Set.of();
    Map<String, io.patronijvm.core.pg.LogicalSlot> logicalSlots = Map.of();
    Map<String, Long> statusSlots = Map.of();
    Map<String, Long> failsafeSlots;
    String syncNames = "";
    boolean pendingRestart;
    int serverVersion = 150004;
    String postmasterStart = "2025-01-01 10:00:00+00";

    int ttl = 30;
    int loopWait = 10;
    long maxLag = 1_048_576L;
    long syncMaxLag = -1L;
    Map<String, Object> pgParameters = Map.of();
    boolean pause;
    boolean syncMode;
    boolean syncStrict;
    int syncCount = 1;
    boolean checkTimeline;
    boolean useSlots = true;
    boolean failsafeMode;
    int primaryStartTimeout = 300;
    Map<String, Map<String, Object>> permanentSlots = Map.of();
    Map<String, Object> standbyCluster;
    Map<String, Object> rawExtra = new HashMap<>();

    LocalSettings local = new LocalSettings(true, false, false, false, false, "off");
    LockState lock = LockState.NOT_HOLDER;
    final Map<String, PeerStatus> peers = new HashMap<>();
    AttemptResult last = AttemptResult.NONE;
    Memory memory = Memory.INITIAL.withRole(Role.REPLICA).withPgSeenRunning(true);
    AsyncTask async;
    RestartIntent restart;
    ReinitIntent reinit;
    boolean shuttingDown;
    long now = NOW;

    /** A member key as the scenario describes it. */
    static final class MemberSpec {
        String name;
        Role role = Role.REPLICA;
        String state = "running";
        Long wal = 1000L;
        Integer timeline = 1;
        Map<String, Object> tags = new HashMap<>();
        boolean api = true;
        Boolean checkpointAfterPromote;
    }

    Scenario() {
        member("node1");
        member("node2").role = Role.PRIMARY;
        member("node3");
    }

    static Scenario replica() {
        return new Scenario();
    }

    /** We are the leader: the view names us, the renewal succeeded, PostgreSQL is primary. */
    static Scenario leader() {
        Scenario s = new Scenario().iAmLeader().primary();
        s.slots = Set.of("node2", "node3");
        return s;
    }

    /** No leader key; the old leader node2 is gone from the members. */
    static Scenario leaderless() {
        Scenario s = new Scenario();
        s.leader = null;
        s.members.remove("node2");
        return s;
    }

    MemberSpec member(String name) {
        return members.computeIfAbsent(name, n -> {
            MemberSpec m = new MemberSpec();
            m.name = n;
            return m;
        });
    }

    Scenario iAmLeader() {
        leader = self;
        lock = LockState.RENEWED;
        member(self).role = Role.PRIMARY;
        member("node2").role = Role.REPLICA;
        upstreamHost = null;
        upstreamPort = 0;
        memory = memory.withRole(Role.PRIMARY);
        return this;
    }

    Scenario primary() {
        inRecovery = false;
        standbySignal = false;
        controlState = "in production";
        upstreamHost = null;
        upstreamPort = 0;
        return this;
    }

    Scenario stopped() {
        running = false;
        accepts = false;
        state = PgRunState.STOPPED;
        return this;
    }

    Scenario crashedPrimary() {
        primary();
        running = false;
        accepts = false;
        state = PgRunState.CRASHED;
        controlState = "in production";
        return this;
    }

    Scenario tag(String k, Object v) {
        selfTags.put(k, v);
        return this;
    }

    Scenario memberTag(String name, String k, Object v) {
        member(name).tags.put(k, v);
        return this;
    }

    Scenario peer(String name, boolean primary, long walPos) {
        return peer(name, primary, walPos, 1);
    }

    Scenario peer(String name, boolean primary, long walPos, int priority) {
        peers.put(name, new PeerStatus(name, true, primary, walPos, 1, false, priority, false));
        return this;
    }

    Scenario unreachable(String name) {
        peers.put(name, PeerStatus.unreachable(name));
        return this;
    }

    /** Every other member answered as a replica at WAL position {@code walPos}. */
    Scenario peersAt(long walPos) {
        for (String n : members.keySet()) {
            if (!n.equals(self)) {
                peer(n, false, walPos);
            }
        }
        return this;
    }

    Scenario failover(String leaderName, String candidate) {
        failover = new Failover(leaderName, candidate, null, 7);
        return this;
    }

    Scenario scheduledFailover(String leaderName, String candidate, Instant at) {
        failover = new Failover(leaderName, candidate, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), 7);
        return this;
    }

    Scenario sync(String syncLeader, String... standbys) {
        syncMode = true;
        sync = new SyncState(syncLeader, Set.of(standbys), 11);
        return this;
    }

    Scenario walSender(String app, String syncState, long flush) {
        walSenders.add(new WalSender("replicator", app, "127.0.0.9", "streaming", syncState, 1, flush, flush));
        return this;
    }

    Scenario walSender(String app, String syncState, long flush, long replay) {
        walSenders.add(new WalSender("replicator", app, "127.0.0.9", "streaming", syncState, 1, flush, replay));
        return this;
    }

    Scenario restartRequest(RestartRequest r) {
        restart = new RestartIntent(r, postmasterStart);
        return this;
    }

    Scenario with(java.util.function.Consumer<Scenario> change) {
        change.accept(this);
        return this;
    }

    DynamicConfig config() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("ttl", ttl);
        raw.put("loop_wait", loopWait);
        raw.putAll(rawExtra);
        return new DynamicConfig(ttl, loopWait, 10, maxLag, syncMaxLag, 0, primaryStartTimeout, 0, syncMode, syncStrict,
                syncCount, failsafeMode, checkTimeline, pause, useSlots, local.usePgRewind(), pgParameters, List.of(),
                permanentSlots, List.of(), standbyCluster, raw);
    }

    ClusterView view() {
        if (dcsDown) {
            return null;
        }
        List<Member> ms = new ArrayList<>();
        int i = 1;
        for (MemberSpec m : members.values()) {
            String host = "127.0.0." + hostIndex(m.name);
            ms.add(new Member(m.name, "s-" + m.name, i++, "postgres://" + host + ":5432/postgres",
                    m.api ? "http://" + host + ":8008/patroni" : null, m.state, m.role, "3.3.1", m.wal, m.timeline,
                    "streaming", new Tags(m.tags), false, pause, m.checkpointAfterPromote, Map.of()));
        }
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("ttl", ttl);
        if (pause) {
            cfg.put("pause", true);
        }
        return new ClusterView(initialize, configKey ? new ClusterConfig(cfg, 3) : null,
                leader == null ? null : new Leader(leader, "s-" + leader, 42), ms, failover, sync, history, 5,
                new ClusterStatus(optime, statusSlots, List.of()), failsafe, 100);
    }

    static int hostIndex(String name) {
        String digits = name.replaceAll("\\D", "");
        return digits.isEmpty() ? 9 : Integer.parseInt(digits);
    }

    LocalPgState pg() {
        return new LocalPgState(dataDir, sysid, running, state, accepts, inRecovery, timeline,
                inRecovery ? -1 : wal, inRecovery ? wal : -1, inRecovery ? wal : -1, null, false,
                inRecovery && running, upstreamHost, upstreamPort, standbySignal, serverVersion, postmasterStart,
                walSenders, slots, controlState, rewindPossible, pendingRestart, Map.of(), syncNames, logicalSlots);
    }

    HaInput input() {
        return new HaInput(self, new Tags(selfTags), view(), pg(), config(), local, now, WALL, lock, peers, last,
                memory, async, restart, reinit, shuttingDown, failsafeSlots);
    }

    Decision decide() {
        return HaDecider.decide(input());
    }

    @Override
    public String toString() {
        return "Scenario[self=" + self + ", leader=" + leader + ", lock=" + lock + ", last=" + last + "]";
    }
}
