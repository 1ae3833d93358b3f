package io.patronijvm.pg;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.BootstrapConfig.BootstrapUser;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.pg.RewindVerdict;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.pg.Upstream;
import io.patronijvm.core.pg.WalSender;
import io.patronijvm.pg.sql.PgConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One real cluster of three PostgreSQL instances on 127.0.4.1-3, driven through its whole life:
 * bootstrap, clone, promote, divergence and rewind, crash, adoption, slots. The steps build on
 * each other, so they run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationClusterTest {

    private static final Logger log = LoggerFactory.getLogger(ReplicationClusterTest.class);

    private Path root;
    private PgNodes nodes;
    private final LocalPostgres[] pg = new LocalPostgres[4];

    @BeforeAll
    void setUp() throws Exception {
        PgNodes.assumePostgresCanRun();
        root = Files.createTempDirectory("pgctl-cluster");
        nodes = new PgNodes(root);
        Path script = root.resolve("post_bootstrap.sh");
        // Patroni's contract: the configured words (shell-quoted), then the local DSN as the last
        // argument; the password in PGPASSFILE, and PGOPTIONS forcing local synchronous commit.
        Files.writeString(script, "#!/bin/sh\nout=" + root.resolve("post_bootstrap.out") + "\n"
                + "echo \"$1|$2|$3|$PGOPTIONS\" > $out\n"
                + "psql -w -tAc \"SELECT current_setting('synchronous_commit')\" \"$3\" >> $out 2>&1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        BootstrapConfig bootstrap = new BootstrapConfig(null, null, null,
                List.of("data-checksums", Map.of("encoding", "UTF8"), Map.of("locale", "C")),
                List.of(), script + " --label 'two words'",
                Map.of("app", new BootstrapUser("app-secret", List.of("createdb"))));
        pg[1] = nodes.node(1, bootstrap);
        pg[2] = nodes.node(2, BootstrapConfig.NONE);
        pg[3] = nodes.node(3, BootstrapConfig.NONE);
    }

    @AfterAll
    void tearDown() {
        if (nodes != null) {
            nodes.stopAll();
        }
    }

    @Test
    @Order(1)
    void bootstrapsPrimaryWithUsersChecksumsAndPostBootstrapScript_R15_R16() throws Exception {
        long t0 = System.nanoTime();
        pg[1].bootstrap(PgNodes.timeout(60));
        log.info("TIMING bootstrap (initdb + start) took {} ms", (System.nanoTime() - t0) / 1_000_000);
        // The server cannot be reached for a moment (here: stopped, started again 2 s later): the
        // users are still created, the first connection is retried instead of failing the bootstrap.
        assertThat(pg[1].stop(StopMode.FAST, PgNodes.timeout(60))).isTrue();
        java.util.concurrent.CompletableFuture<Void> restart = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(2000); // the outage being simulated, not a wait for a state
                pg[1].start(null, false, PgNodes.timeout(60));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        pg[1].postBootstrap();
        restart.get(90, java.util.concurrent.TimeUnit.SECONDS);

        LocalPgState s = pg[1].observe();
        assertThat(s.isPrimary()).as("state %s", s).isTrue();
        assertThat(s.runState()).isEqualTo(PgRunState.RUNNING);
        assertThat(s.timeline()).isEqualTo(1);
        assertThat(s.sysid()).matches("\\d{10,}");
        assertThat(s.rewindPossible()).isTrue();
        assertThat(pg[1].controlData()).containsEntry("Data page checksum version", "1");
        assertThat(query(1, "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname IN "
                + "('app','replicator','rewinder') AND rolcanlogin")).isEqualTo("app,replicator,rewinder");
        assertThat(query(1, "SELECT rolreplication::text FROM pg_roles WHERE rolname = 'replicator'")).isEqualTo("true");
        assertThat(query(1, "SELECT has_function_privilege('rewinder', 'pg_catalog.pg_read_binary_file(text)', 'execute')::text"))
                .isEqualTo("true");
        assertThat(query(1, "SELECT current_setting('cluster_name') || ' ' || current_setting('max_connections')"))
                .as("cmdline GUCs come from the dynamic config only (4.5)").isEqualTo(PgNodes.SCOPE + " 30");
        assertThat(Files.readString(root.resolve("post_bootstrap.out")).lines().toList()).containsExactly(
                "--label|two words|dbname=postgres user=postgres host=127.0.4.1 port=5432|-c synchronous_commit=local",
                "local");
        assertThat(query(1, "SELECT current_setting('wal_keep_size')")).as("wal_keep_segments converted").isEqualTo("64MB");
        assertThat(pg[1].paths().baseConf()).exists();
        assertThat(Files.readString(pg[1].paths().conf())).startsWith("# Do not edit")
                .contains("include 'postgresql.base.conf'").doesNotContain("max_connections");
    }

    @Test
    @Order(2)
    void clonesTwoReplicasThatStreamThroughTheirSlots_R17_R55() throws Exception {
        pg[1].syncReplicationSlots(Set.of("node2", "node3"));
        for (int i = 2; i <= 3; i++) {
            long t0 = System.nanoTime();
            pg[i].cloneFrom(PgNodes.member(1));
            log.info("TIMING pg_basebackup of node{} took {} ms", i, (System.nanoTime() - t0) / 1_000_000);
            assertThat(pg[i].observe().runState()).as("left stopped after the clone").isEqualTo(PgRunState.STOPPED);
            pg[i].start(new Upstream("node1", PgNodes.address(1), 5432, null), true, PgNodes.timeout(60));
        }
        awaitStreaming(1, "node2", "node3");
        LocalPgState r = pg[2].observe();
        assertThat(r.isReplica()).as("%s", r).isTrue();
        assertThat(r.upstreamHost()).isEqualTo(PgNodes.address(1));
        assertThat(r.standbySignal()).isTrue();
        assertThat(query(2, "SELECT current_setting('primary_slot_name')")).isEqualTo("node2");
        assertThat(pg[1].observe().replicationSlots()).containsExactlyInAnyOrder("node2", "node3");
        // A health check's light query: the positions move on, the rest is the full observation's.
        execute(1, "CREATE TABLE after_clone(i int); INSERT INTO after_clone VALUES (1)");
        await().atMost(PgNodes.timeout(20)).until(() -> pg[2].observeReplicaProgress(r).replayedLsn() > r.replayedLsn());
        LocalPgState light = pg[2].observeReplicaProgress(r);
        assertThat(light.isReplica()).as("%s", light).isTrue();
        assertThat(light.runState()).isEqualTo(PgRunState.RUNNING);
        assertThat(light.timeline()).isEqualTo(r.timeline());
        assertThat(light.receivedLsn()).isGreaterThan(r.receivedLsn());
        assertThat(light.postmasterStartTime()).isEqualTo(r.postmasterStartTime());
        assertThat(light.upstreamHost()).isEqualTo(r.upstreamHost());
        // The cycle's and the health check's queries are parsed and planned once per connection,
        // not on every call: after pgjdbc's five runs, PostgreSQL holds them as prepared statements
        // (the progress query and the observation's five).
        try (Connection c = connect(2)) {
            for (int k = 0; k < 6; k++) {
                io.patronijvm.pg.sql.Observer.progress(c);
                io.patronijvm.pg.sql.Observer.observe(c);
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_catalog.pg_prepared_statements")) {
                rs.next();
                assertThat(rs.getInt(1)).as("prepared statements on the observing connection").isEqualTo(6);
            }
        }
    }

    @Test
    @Order(3)
    void promotesAReplicaToANewTimelineAndTheOtherFollowsWithoutRewind() throws Exception {
        execute(1, "CREATE TABLE before_promote(i int); INSERT INTO before_promote VALUES (1)");
        // A graceful switchover: the old primary's shutdown checkpoint reaches both replicas.
        assertThat(pg[1].stop(StopMode.FAST, PgNodes.timeout(30))).isTrue();
        long end = pg[1].latestCheckpointLsn();
        await().atMost(PgNodes.timeout(20)).until(() -> pg[2].observe().replayedLsn() > end
                && pg[3].observe().replayedLsn() > end);
        LocalPgState asReplica = pg[2].observe();
        // Issue 12, defect 5: timelines 2 and 3 were used by members we never heard from; the
        // promotion must not reuse them (placeholder history files make PostgreSQL skip them).
        pg[2].promote(PgNodes.timeout(60), 3);
        assertThat(pg[2].observeReplicaProgress(asReplica).isPrimary())
                .as("a health check's light query sees the promotion at once").isTrue();
        LocalPgState s = pg[2].observe();
        assertThat(s.isPrimary()).as("%s", s).isTrue();
        assertThat(s.timeline()).as("above the used timelines").isEqualTo(4);
        assertThat(pg[2].paths().dataDir().resolve("pg_wal/00000002.history"))
                .as("placeholders stay: replicas following across the gap fetch them").exists();
        assertThat(pg[2].paths().dataDir().resolve("pg_wal/00000004.history")).exists();
        assertThat(s.standbySignal()).isFalse();
        pg[2].checkpoint();
        pg[2].syncReplicationSlots(Set.of("node1", "node3"));

        assertThat(pg[3].checkDivergence(PgNodes.member(2))).as("replica that replayed only up to the switch")
                .isEqualTo(RewindVerdict.NOT_NEEDED);
        // R37 for the former primary, read with the real pg_waldump: its shutdown checkpoint ends
        // exactly where the new timeline begins, so it may follow without pg_rewind.
        assertThat(pg[1].checkDivergence(PgNodes.member(2))).as("cleanly stopped old primary")
                .isEqualTo(RewindVerdict.NOT_NEEDED);
        assertThat(pg[3].follow(new Upstream("node2", PgNodes.address(2), 5432, null)))
                .as("PG >= 13 follows on reload").isTrue();
        awaitStreaming(2, "node3");
        await().atMost(PgNodes.timeout(20)).until(() -> pg[3].observe().timeline() == 4);
    }

    @Test
    @Order(4)
    void divergedOldPrimaryIsDetectedRewoundAndStreamsFromTheNewOne_R37_R38() throws Exception {
        // The old primary comes back on its own and takes writes the new timeline never saw.
        pg[1].start(Upstream.NOBODY, false, PgNodes.timeout(60));
        execute(1, "CREATE TABLE diverged(i int); INSERT INTO diverged SELECT generate_series(1, 1000)");
        assertThat(pg[1].checkDivergence(PgNodes.member(2))).as("running old primary").isEqualTo(RewindVerdict.NEEDED);
        assertThat(pg[1].stop(StopMode.FAST, PgNodes.timeout(30))).isTrue();
        assertThat(pg[1].checkDivergence(PgNodes.member(2))).as("stopped old primary").isEqualTo(RewindVerdict.NEEDED);

        long t0 = System.nanoTime();
        pg[1].rewind(PgNodes.member(2));
        log.info("TIMING pg_rewind took {} ms", (System.nanoTime() - t0) / 1_000_000);
        pg[1].start(new Upstream("node2", PgNodes.address(2), 5432, null), true, PgNodes.timeout(60));
        awaitStreaming(2, "node1", "node3");
        assertThat(pg[1].checkDivergence(PgNodes.member(2))).isEqualTo(RewindVerdict.NOT_NEEDED);
        assertThat(query(1, "SELECT to_regclass('diverged') IS NULL")).as("diverged writes are gone").isEqualTo("t");
        assertThat(query(1, "SELECT count(*) FROM before_promote")).isEqualTo("1");
    }

    @Test
    @Order(5)
    void failedRewindLeavesTheDataDirectoryInPlace() throws Exception {
        assertThat(pg[3].stop(StopMode.FAST, PgNodes.timeout(30))).isTrue();
        List<String> before = listing(3);
        assertThatThrownBy(() -> pg[3].rewind(PgNodes.unreachableMember("127.0.4.99")))
                .isInstanceOf(PgException.class).hasMessageContaining("pg_rewind");
        assertThat(pg[3].observe().dataDir()).isEqualTo(DataDirState.VALID);
        assertThat(listing(3)).containsExactlyElementsOf(before);
        pg[3].start(new Upstream("node2", PgNodes.address(2), 5432, null), true, PgNodes.timeout(60));
        awaitStreaming(2, "node1", "node3");
    }

    @Test
    @Order(6)
    void detectsAKilledPostmasterAsCrashed_R11() throws Exception {
        LocalPgState asReplica = pg[3].observe();
        assertThat(asReplica.isReplica()).as("%s", asReplica).isTrue();
        long pid = PostmasterPid.read(pg[3].paths().dataDir()).orElseThrow().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(PgNodes.timeout(10)).untilAsserted(() ->
                assertThat(pg[3].observe().runState()).isEqualTo(PgRunState.CRASHED));
        assertThat(pg[3].observeReplicaProgress(asReplica).runState())
                .as("a health check's light query on the dead replica").isEqualTo(PgRunState.CRASHED);
        assertThat(pg[3].observe().postmasterRunning()).isFalse();
        // Issue 12, defect 1: with pg_control unreadable the system identifier is the one read
        // before (Patroni keeps it too), so the node still counts as this cluster's and tries to start.
        String sysid = pg[3].observe().sysid();
        java.nio.file.Path control = pg[3].paths().dataDir().resolve("global/pg_control");
        java.nio.file.Files.setPosixFilePermissions(control, java.util.Set.of());
        try {
            assertThat(sysid).isNotBlank();
            assertThat(pg[3].observe().sysid()).as("sysid with pg_control unreadable").isEqualTo(sysid);
        } finally {
            java.nio.file.Files.setPosixFilePermissions(control, java.nio.file.attribute.PosixFilePermissions
                    .fromString("rw-------"));
        }
        await().atMost(PgNodes.timeout(30)).ignoreExceptions().untilAsserted(() ->
                pg[3].start(new Upstream("node2", PgNodes.address(2), 5432, null), true, PgNodes.timeout(30)));
        assertThat(pg[3].observe().isReplica()).isTrue();
    }

    @Test
    @Order(7)
    void aNewControlObjectAdoptsTheRunningPostmaster_decision6() throws Exception {
        long pid = PostmasterPid.read(pg[1].paths().dataDir()).orElseThrow().pid();
        pg[1].close();
        LocalPostgres adopted = nodes.node(1, BootstrapConfig.NONE);
        LocalPgState s = adopted.observe();
        assertThat(s.runState()).isEqualTo(PgRunState.RUNNING);
        assertThat(s.isReplica()).isTrue();
        assertThat(s.upstreamHost()).isEqualTo(PgNodes.address(2));
        adopted.reload();
        assertThat(Files.readString(adopted.paths().conf())).as("upstream read back from our conf")
                .contains("host=" + PgNodes.address(2));
        assertThat(adopted.stop(StopMode.FAST, PgNodes.timeout(30))).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(adopted.observe().runState()).isEqualTo(PgRunState.STOPPED);
        pg[1] = adopted;
    }

    @Test
    @Order(8)
    void slotsComeAndGoWithMembers_R56() throws Exception {
        pg[2].syncReplicationSlots(Set.of("node1", "node3", "node4"));
        assertThat(pg[2].observe().replicationSlots()).containsExactlyInAnyOrder("node1", "node3", "node4");
        pg[2].syncReplicationSlots(Set.of("node3"));
        assertThat(pg[2].observe().replicationSlots()).as("node1's slot is inactive (node1 stopped) and dropped")
                .containsExactlyInAnyOrder("node3");
        pg[2].syncReplicationSlots(Set.of());
        assertThat(pg[2].observe().replicationSlots()).as("node3 streams: its active slot stays until it is idle")
                .containsExactly("node3");
    }

    /**
     * Patroni's slots handler on a primary: a permanent logical slot is created with its plugin in
     * its database, an unknown logical slot is dropped, one that ignore_slots matches stays (and
     * the observation leaves it out).
     */
    @Test
    @Order(8)
    void permanentLogicalSlotsAreCreatedUnknownOnesDroppedIgnoredOnesKept_R57() throws Exception {
        execute(2, "SELECT pg_create_logical_replication_slot('dummy_slot', 'test_decoding')");
        execute(2, "SELECT pg_create_logical_replication_slot('unmanaged', 'test_decoding')");
        DynamicConfig base = PgNodes.dynamic();
        pg[2].applyDynamicConfig(new DynamicConfig(base.ttl(), base.loopWait(), base.retryTimeout(),
                base.maximumLagOnFailover(), base.maximumLagOnSyncnode(), base.maxTimelinesHistory(),
                base.primaryStartTimeout(), base.primaryStopTimeout(), false, false, 1, false, false, false, true, true,
                base.parameters(), List.of(),
                Map.of("cdc", Map.of("type", "logical", "plugin", "test_decoding", "database", "postgres")),
                List.of(Map.of("name", "unmanaged", "plugin", "test_decoding")), null, Map.of()));
        assertThat(pg[2].observe().replicationSlots()).contains("dummy_slot").doesNotContain("unmanaged");

        pg[2].syncReplicationSlots(Set.of("node3", "cdc"));
        assertThat(query(2, "SELECT string_agg(slot_name || ':' || slot_type || ':' || coalesce(plugin, '-'), ',' "
                + "ORDER BY slot_name) FROM pg_replication_slots"))
                .isEqualTo("cdc:logical:test_decoding,node3:physical:-,unmanaged:logical:test_decoding");
        assertThat(pg[2].observe().replicationSlots()).containsExactlyInAnyOrder("cdc", "node3");

        // A logical slot PostgreSQL refuses (Patroni's suite: wal_level still replica until the restart)
        // must not keep a member's physical slot from being created, whatever the order.
        pg[2].applyDynamicConfig(new DynamicConfig(base.ttl(), base.loopWait(), base.retryTimeout(),
                base.maximumLagOnFailover(), base.maximumLagOnSyncnode(), base.maxTimelinesHistory(),
                base.primaryStartTimeout(), base.primaryStopTimeout(), false, false, 1, false, false, false, true, true,
                base.parameters(), List.of(),
                Map.of("cdc", Map.of("type", "logical", "plugin", "test_decoding", "database", "postgres"),
                        "refused", Map.of("type", "logical", "plugin", "no_such_plugin", "database", "postgres")),
                List.of(), null, Map.of()));
        pg[2].syncReplicationSlots(new java.util.LinkedHashSet<>(List.of("refused", "node5", "node3", "cdc")));
        assertThat(pg[2].observe().replicationSlots()).as("physical slot created, the refused logical one not")
                .containsExactlyInAnyOrder("cdc", "node3", "node5");
        pg[2].applyDynamicConfig(base);
        pg[2].syncReplicationSlots(Set.of("node3"));
        assertThat(query(2, "SELECT count(*)::text FROM pg_replication_slots WHERE slot_type = 'logical'"))
                .as("without the ignore rule and the permanent entry both go").isEqualTo("0");
    }

    @Test
    @Order(9)
    void changedCmdlineGucIsPendingRestartUntilRestarted_R65() throws Exception {
        Map<String, Object> params = new java.util.LinkedHashMap<>(PgNodes.dynamic().parameters());
        params.put("max_connections", 40);
        params.put("work_mem", "8MB");
        var d = PgNodes.dynamic();
        pg[2].applyDynamicConfig(new io.patronijvm.core.config.DynamicConfig(d.ttl(), d.loopWait(), d.retryTimeout(),
                d.maximumLagOnFailover(), d.maximumLagOnSyncnode(), d.maxTimelinesHistory(), d.primaryStartTimeout(),
                d.primaryStopTimeout(), false, false, 1, false, false, false, true, true, params, List.of(), Map.of(),
                List.of(), null, Map.of()));
        await().atMost(PgNodes.timeout(10)).untilAsserted(() ->
                assertThat(query(2, "SELECT current_setting('work_mem')")).as("reloadable GUC applied").isEqualTo("8MB"));
        LocalPgState s = pg[2].observe();
        assertThat(s.pendingRestart()).isTrue();
        assertThat(s.pendingRestartReasons()).containsEntry("max_connections", List.of("30", "40"));
        pg[2].restart(PgNodes.timeout(60));
        LocalPgState after = pg[2].observe();
        assertThat(after.isPrimary()).isTrue();
        assertThat(after.pendingRestart()).as("%s", after.pendingRestartReasons()).isFalse();
    }

    @Test
    @Order(10)
    void smartStopThatCannotFinishEscalatesToImmediate_T5() throws Exception {
        try (Connection held = connect(3)) {
            assertThat(held.isValid(2)).isTrue();
            long t0 = System.nanoTime();
            assertThat(pg[3].stop(StopMode.SMART, Duration.ofSeconds(1))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(pg[3].observe().runState()).isEqualTo(PgRunState.STOPPED);
        assertThat(pg[3].controlData().get("Database cluster state")).as("immediate stop = unclean")
                .isEqualTo("in archive recovery");
    }

    /**
     * R57 as Patroni 3.0.2 keeps a permanent logical slot on a replica: the replica runs with
     * hot_standby_feedback, copies the slot's state file from the primary (restarting to load it),
     * and advances it to the primary's confirmed_flush_lsn after a consumer moved that one.
     */
    @Test
    @Order(11)
    void aPermanentLogicalSlotIsCopiedToTheReplicaAndAdvancedThere_R57() throws Exception {
        DynamicConfig d = PgNodes.dynamic(40);
        DynamicConfig withSlot = new DynamicConfig(d.ttl(), d.loopWait(), d.retryTimeout(), d.maximumLagOnFailover(),
                d.maximumLagOnSyncnode(), d.maxTimelinesHistory(), d.primaryStartTimeout(), d.primaryStopTimeout(),
                false, false, 1, false, false, false, true, true, d.parameters(), List.of(),
                Map.of("cdc", Map.of("type", "logical", "plugin", "test_decoding", "database", "postgres")),
                List.of(), null, Map.of());
        pg[2].applyDynamicConfig(withSlot);
        pg[3].applyDynamicConfig(withSlot);
        pg[2].syncReplicationSlots(Set.of("node3", "cdc"));
        pg[3].enforceHotStandbyFeedback(true);
        pg[3].start(new Upstream("node2", PgNodes.address(2), 5432, null), true, PgNodes.timeout(60));
        awaitStreaming(2, "node3");
        assertThat(query(3, "SELECT current_setting('hot_standby_feedback')")).isEqualTo("on");
        long created = pg[2].observe().logicalSlots().get("cdc").confirmedFlushLsn();
        assertThat(created).isPositive();

        pg[3].copyLogicalSlots(PgNodes.member(2), List.of("cdc"));
        LocalPgState copied = pg[3].observe();
        assertThat(copied.isReplica()).as("%s", copied).isTrue();
        assertThat(copied.logicalSlots().get("cdc")).as("slots on node3: %s", copied.logicalSlots())
                .isNotNull().extracting(s -> s.plugin(), s -> s.database()).containsExactly("test_decoding", "postgres");

        execute(2, "CREATE TABLE slot_moves (id int); INSERT INTO slot_moves SELECT generate_series(1, 10)");
        query(2, "SELECT count(*)::text FROM pg_logical_slot_get_changes('cdc', NULL, NULL)");
        long moved = pg[2].observe().logicalSlots().get("cdc").confirmedFlushLsn();
        assertThat(moved).isGreaterThan(created);
        await().atMost(PgNodes.timeout(30)).until(() -> pg[3].observe().replayedLsn() >= moved);
        pg[3].advanceLogicalSlots(Map.of("cdc", moved));
        await().atMost(PgNodes.timeout(30)).untilAsserted(() ->
                assertThat(pg[3].observe().logicalSlots().get("cdc").confirmedFlushLsn()).isEqualTo(moved));
    }

    private void awaitStreaming(int primary, String... names) {
        await().atMost(PgNodes.timeout(60)).untilAsserted(() -> {
            List<WalSender> ws = pg[primary].observe().walSenders();
            assertThat(ws.stream().filter(w -> "streaming".equals(w.state())).map(WalSender::applicationName))
                    .as("pg_stat_replication on node%d: %s", primary, ws).contains(names);
        });
    }

    private List<String> listing(int i) throws Exception {
        try (Stream<Path> s = Files.walk(pg[i].paths().dataDir())) {
            return s.map(Path::toString).sorted().toList();
        }
    }

    private static Connection connect(int i) throws Exception {
        return PgConnector.connect(PgNodes.address(i), 5432, PgNodes.SUPERUSER, Duration.ofSeconds(30));
    }

    static String query(int i, String sql) throws Exception {
        try (Connection c = connect(i); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(int i, String sql) throws Exception {
        try (Connection c = connect(i); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

}
