package io.patronijvm.testkit;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.PostgresControl;
import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.core.pg.WalSender;
import io.patronijvm.testkit.sim.FakePgNetwork;
import io.patronijvm.testkit.sim.WalChain;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A model of one PostgreSQL server for the simulator and component tests: WAL positions on a
 * {@link WalChain} (timelines with world-unique identities), streaming from an upstream found in
 * the {@link FakePgNetwork}, crash, promote (new timeline), stop/start, rewind, clone, and
 * synchronous_standby_names. Every operation is instantaneous; callers model duration.
 * Single-threaded like the simulator that drives it.
 */
public final class FakePostgres implements PostgresControl {

    private static final String IN_PRODUCTION = "in production";
    private static final String IN_RECOVERY = "in archive recovery";
    /**
     * {@code -Dsim.oracleDivergence=true}: the divergence check sees the timelines' identities,
     * which no real check can. By default it sees what R37 (Patroni, our Rewinder) sees: timeline
     * numbers and the leader's history file, so two histories of one timeline number look equal.
     */
    private static final boolean ORACLE_DIVERGENCE = Boolean.getBoolean("sim.oracleDivergence");

    private final String name;
    private final String host;
    private final int port;
    private final FakePgNetwork network;

    private DataDirState dataDir = DataDirState.EMPTY;
    private String sysid;
    private boolean running;
    private boolean inRecovery;
    private boolean crashed;
    private WalChain chain;
    private long lsn;
    private long checkpointLsn;
    private String controlState;
    private Upstream upstream = Upstream.NOBODY;
    private Upstream resolvedFor;
    private FakePostgres resolved;
    private boolean streaming;
    private String syncStandbyNames = "";
    private Set<String> slots = Set.of();
    private long startCount;
    private Consumer<FakePostgres> promoteListener = pg -> { };
    private StartFault startFault = StartFault.NONE;
    /** A postmaster that was started and never got as far as accepting connections ({@link StartFault#HANG}). */
    private boolean starting;
    private boolean controlUnreadable;

    /** What the model's next starts do (tests of R34 and of primary_start_timeout, R7/R35). */
    public enum StartFault {
        /** Starts as usual. */
        NONE,
        /** pg_ctl start fails at once (the server exits during start-up). */
        FAIL,
        /** The postmaster runs but never accepts connections (a very long crash recovery). */
        HANG
    }

    public FakePostgres(String name, String host, int port, FakePgNetwork network) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.network = network;
        network.register(host, port, this);
    }

    /** Called at the instant a promote takes effect (the simulator checks invariants there). */
    public void onPromote(Consumer<FakePostgres> listener) {
        this.promoteListener = listener;
    }

    // ---------------------------------------------------------------- simulation hooks

    public String name() {
        return name;
    }

    public boolean running() {
        return running;
    }

    /** Running as a primary: accepts writes. */
    public boolean acceptsWrites() {
        return running && !inRecovery;
    }

    public long lsn() {
        return lsn;
    }

    public WalChain chain() {
        return chain;
    }

    public String synchronousStandbyNames() {
        return syncStandbyNames;
    }

    public void startFault(StartFault fault) {
        startFault = fault;
    }

    /**
     * global/pg_control can no longer be read (disk error, wrong permissions): pg_controldata tells
     * nothing while the server is down and the server cannot start, until the data directory is
     * rebuilt. A running server is not affected (it has read it already).
     */
    public void makeControlFileUnreadable() {
        controlUnreadable = true;
    }

    /** The postmaster dies without a shutdown checkpoint (kill -9, OOM). */
    public void crash() {
        starting = false;
        if (running) {
            running = false;
            crashed = true;
            streaming = false;
        }
    }

    /** A client write of {@code bytes} on the primary; returns the new LSN, or -1 when not writable. */
    public long write(long bytes) {
        if (!acceptsWrites()) {
            return -1;
        }
        lsn += bytes;
        return lsn;
    }

    /** Whether WAL up to {@code lsn} of segment {@code segmentId} is in this node's history. */
    public boolean containsWal(long segmentId, long walLsn) {
        return chain != null && chain.contains(segmentId, walLsn, lsn);
    }

    /**
     * One step of streaming replication: receive up to {@code maxBytes} from the upstream if it
     * runs, belongs to the same cluster and our history can continue on its.
     */
    public void replicate(long maxBytes) {
        streaming = false;
        if (!running || !inRecovery || upstream.isNobody()) {
            return;
        }
        FakePostgres src = upstreamModel();
        if (src == null || src == this || !src.running || src.chain == null || !src.sysid.equals(sysid)
                || !chain.canFollow(src.chain, lsn) || lsn > src.lsn && src.chain.current().id() == chain.current().id()) {
            return;
        }
        streaming = true;
        chain = src.chain;
        lsn = Math.min(src.lsn, lsn + Math.max(0, maxBytes));
    }

    /** The model our upstream names, resolved once per upstream value (looked up every tick). */
    private FakePostgres upstreamModel() {
        if (resolvedFor != upstream) {
            resolved = network.lookup(upstream.host(), upstream.port());
            resolvedFor = upstream;
        }
        return resolved;
    }

    public boolean streaming() {
        return streaming;
    }

    /** Replicas currently streaming from this node. */
    public List<FakePostgres> downstreams() {
        List<FakePostgres> out = new ArrayList<>();
        for (FakePostgres pg : network.view()) {
            if (pg != this && pg.streaming && pg.upstreamModel() == this) {
                out.add(pg);
            }
        }
        return out;
    }

    /** Whether {@code standby} counts as synchronous under the current synchronous_standby_names. */
    public boolean isSyncStandby(String standby) {
        String v = syncStandbyNames.trim();
        if (v.isEmpty()) {
            return false;
        }
        if (v.equals("*")) {
            return true;
        }
        int open = v.indexOf('(');
        String list = open >= 0 ? v.substring(open + 1, v.lastIndexOf(')')) : v;
        for (String n : list.split(",")) {
            if (n.trim().replace("\"", "").equals(standby)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- PostgresControl

    @Override
    public LocalPgState observe() {
        boolean up = running;
        PgRunState state = up ? PgRunState.RUNNING : crashed ? PgRunState.CRASHED : PgRunState.STOPPED;
        List<WalSender> senders = new ArrayList<>();
        if (up) {
            for (FakePostgres d : downstreams()) {
                senders.add(new WalSender("replicator", d.name, d.host, "streaming",
                        isSyncStandby(d.name) ? "sync" : "async", isSyncStandby(d.name) ? 1 : 0, d.lsn, d.lsn));
            }
        }
        if (starting) {
            state = PgRunState.STARTING;
        }
        boolean primary = up && !inRecovery;
        boolean blind = controlUnreadable && !up;
        return new LocalPgState(dataDir, blind ? null : sysid, up || starting, state, up, up && inRecovery,
                chain == null ? 0 : chain.timeline(),
                primary ? lsn : -1, up && inRecovery ? lsn : -1, up && inRecovery ? lsn : -1, null, false,
                up && inRecovery && streaming, up ? upstream.host() : null, up ? upstream.port() : 0,
                inRecovery, 150004, up ? "start-" + startCount : null, senders, slots, blind ? null : controlState,
                true, false, Map.of(), syncStandbyNames);
    }

    @Override
    public void applyDynamicConfig(DynamicConfig config) {
        // The model has no configuration files.
    }

    @Override
    public void bootstrap(Duration timeout) throws PgException {
        requireEmpty("bootstrap");
        dataDir = DataDirState.VALID;
        sysid = network.newSysid();
        chain = WalChain.initial(network.newSegmentId());
        lsn = 0x3000000L;
        checkpointLsn = lsn;
        crashed = false;
        upstream = Upstream.NOBODY;
        startAs(false);
    }

    @Override
    public void postBootstrap() throws PgException {
        requireRunning("post_bootstrap");
    }

    @Override
    public String cancelBootstrap() {
        running = false;
        dataDir = DataDirState.EMPTY;
        chain = null;
        sysid = null;
        return "/data/" + name + ".failed";
    }

    @Override
    public void cloneFrom(Member source) throws PgException {
        requireEmpty("clone");
        FakePostgres src = resolve(source);
        if (src == null || !src.running || src.chain == null) {
            throw new PgException("clone of " + name + ": source " + (source == null ? null : source.name())
                    + " is not running");
        }
        dataDir = DataDirState.VALID;
        sysid = src.sysid;
        chain = src.chain;
        lsn = src.lsn;
        checkpointLsn = lsn;
        controlState = IN_RECOVERY;
        crashed = false;
        inRecovery = true;
    }

    @Override
    public void start(Upstream up, boolean asReplica, Duration timeout) throws PgException {
        if (running) {
            return;
        }
        if (dataDir != DataDirState.VALID) {
            throw new PgException("start of " + name + ": data directory is " + dataDir);
        }
        if (controlUnreadable || startFault == StartFault.FAIL) {
            crashed = true;
            throw new PgException("start of " + name + " failed: "
                    + (controlUnreadable ? "could not open file \"global/pg_control\"" : "the server exited"));
        }
        if (startFault == StartFault.HANG) {
            starting = true;
            crashed = false;
            upstream = up == null ? Upstream.NOBODY : up;
            return;
        }
        upstream = up == null ? Upstream.NOBODY : up;
        if (!asReplica && wasReplica()) {
            // Without promote a former replica comes up writable on a timeline it shares with others.
            chain = chain.fork(network.newSegmentId(), lsn);
        }
        startAs(asReplica);
    }

    private boolean wasReplica() {
        return IN_RECOVERY.equals(controlState) || "shut down in recovery".equals(controlState);
    }

    private void startAs(boolean replica) {
        running = true;
        crashed = false;
        inRecovery = replica;
        controlState = replica ? IN_RECOVERY : IN_PRODUCTION;
        startCount++;
    }

    @Override
    public boolean stop(StopMode mode, Duration timeout) {
        starting = false;
        if (!running) {
            return true;
        }
        running = false;
        streaming = false;
        if (mode != StopMode.IMMEDIATE) {
            if (!inRecovery) {
                lsn += 40; // the shutdown checkpoint record
            }
            checkpointLsn = lsn;
            controlState = inRecovery ? "shut down in recovery" : "shut down";
        }
        return true;
    }

    @Override
    public void restart(Duration timeout) throws PgException {
        boolean replica = inRecovery;
        stop(StopMode.FAST, timeout);
        start(upstream, replica, timeout);
    }

    @Override
    public void reload() {
        // Nothing to re-read in the model.
    }

    @Override
    public void promote(Duration timeout) throws PgException {
        promote(timeout, 0);
    }

    /** {@code -Dsim.reuseTimelines=true}: promote ignores the cluster's used timelines (the old behaviour). */
    private static final boolean REUSE_TIMELINES = Boolean.getBoolean("sim.reuseTimelines");

    @Override
    public void promote(Duration timeout, int usedTimeline) throws PgException {
        requireRunning("promote");
        if (!inRecovery) {
            return;
        }
        chain = chain.branch(network.newSegmentId(), lsn, REUSE_TIMELINES ? 0 : usedTimeline);
        inRecovery = false;
        streaming = false;
        upstream = Upstream.NOBODY;
        controlState = IN_PRODUCTION;
        promoteListener.accept(this);
    }

    @Override
    public boolean follow(Upstream up) {
        upstream = up == null ? Upstream.NOBODY : up;
        return true; // PostgreSQL >= 13 picks up primary_conninfo on reload
    }

    @Override
    public void checkpoint() throws PgException {
        requireRunning("checkpoint");
        checkpointLsn = lsn;
    }

    @Override
    public RewindVerdict checkDivergence(Member leader) {
        FakePostgres src = resolve(leader);
        if (src == null || !src.running || src.inRecovery || chain == null) {
            return RewindVerdict.UNKNOWN;
        }
        if (!ORACLE_DIVERGENCE) {
            return chain.divergenceAsPostgresSees(src.chain, lsn, inRecovery || !running && wasReplica());
        }
        return chain.canFollow(src.chain, lsn) ? RewindVerdict.NOT_NEEDED : RewindVerdict.NEEDED;
    }

    @Override
    public void rewind(Member leader) throws PgException {
        if (running) {
            throw new PgException("pg_rewind on " + name + ": PostgreSQL is running");
        }
        FakePostgres src = resolve(leader);
        if (src == null || !src.running || src.chain == null || !src.sysid.equals(sysid)) {
            throw new PgException("pg_rewind on " + name + ": source " + leader.name() + " unusable");
        }
        lsn = chain.commonPoint(lsn, src.chain, src.lsn);
        chain = src.chain;
        controlState = IN_RECOVERY;
        crashed = false;
    }

    @Override
    public void removeDataDirectory() {
        running = false;
        starting = false;
        controlUnreadable = false;
        dataDir = DataDirState.EMPTY;
        chain = null;
        sysid = null;
        lsn = 0;
        controlState = null;
    }

    @Override
    public void syncReplicationSlots(Set<String> wanted) {
        slots = Set.copyOf(wanted);
    }

    @Override
    public void setSynchronousStandbyNames(String value) {
        syncStandbyNames = value == null ? "" : value;
    }

    @Override
    public Map<String, String> controlData() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Database cluster state", controlState == null ? "" : controlState);
        m.put("Database system identifier", sysid == null ? "" : sysid);
        m.put("Latest checkpoint location", Long.toHexString(checkpointLsn));
        m.put("Latest checkpoint's TimeLineID", chain == null ? "0" : Integer.toString(chain.timeline()));
        return m;
    }

    @Override
    public long latestCheckpointLsn() {
        return checkpointLsn;
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    private FakePostgres resolve(Member m) {
        if (m == null || m.connUrl() == null) {
            return null;
        }
        URI uri = URI.create(m.connUrl());
        return network.lookup(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    private void requireEmpty(String what) throws PgException {
        if (dataDir != DataDirState.EMPTY) {
            throw new PgException(what + " of " + name + ": data directory is not empty");
        }
    }

    private void requireRunning(String what) throws PgException {
        if (!running) {
            throw new PgException(what + " on " + name + ": PostgreSQL is not running");
        }
    }

    @Override
    public String toString() {
        return name + (running ? inRecovery ? "[replica" : "[primary" : "[down") + " " + chain + " lsn=" + lsn
                + (streaming ? " streaming " + upstream.memberName() : "") + "]";
    }
}
