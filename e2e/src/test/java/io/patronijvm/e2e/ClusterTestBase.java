package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One real cluster per test class, started by scripts/cluster before the first test and
 * stopped after the last one whatever happened. Scenarios run in a fixed order and each
 * leaves the cluster healthy (1 primary, the rest streaming) for the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(AgentAvailable.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ClusterTestBase {

    protected final E2eEnv env = E2eEnv.load();
    protected final Timing timing = Timing.shortFor(env);
    protected LocalCluster cluster;
    protected ClusterView view;

    /** Folder name under /var/tmp/patroni-jvm-e2e-USER/. */
    protected abstract String clusterName();

    /**
     * The DCS the cluster runs on: {@code consul} or {@code etcd3}; system property
     * {@code e2e.dcs} (default consul) moves every scenario class that does not choose itself.
     */
    protected String dcs() {
        String d = System.getProperty("e2e.dcs", "consul").strip();
        if (!d.equals("consul") && !d.equals("etcd3")) {
            throw new IllegalArgumentException("system property e2e.dcs must be consul or etcd3, got '" + d + "'");
        }
        return d;
    }

    /** More scripts/cluster settings for this class's cluster (e.g. CLUSTER_ETCD_CLIENT). */
    protected Map<String, String> clusterEnv() {
        return Map.of();
    }

    /** How many nodes the class's cluster has. */
    protected int nodeCount() {
        return 3;
    }

    /** Per-node agent commands (node index to command); the rest run {@link E2eEnv#ourAgentCommand()}. */
    protected Map<Integer, String> agentPerNode() {
        return Map.of();
    }

    @BeforeAll
    void startCluster() {
        String why = env.unavailableReason();
        assumeTrue(why == null, why);
        cluster = new LocalCluster(env, timing, clusterName(), nodeCount(), agentPerNode(), dcs(), clusterEnv());
        view = new ClusterView(cluster);
        cluster.up();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            System.out.println("[e2e] final state of " + clusterName() + ":\n" + cluster.status());
            cluster.down();
        }
    }

    protected ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions();
    }

    /**
     * patronictl's {@code pause}/{@code resume --wait} reads the member keys once a second for
     * loop_wait + 1 s. A replica whose cycle read the configuration just before the change writes
     * its key at the end of its next cycle (loop_wait plus the cycle itself), so "members didn't
     * recognized pause state" is also what real Patroni's nodes make patronictl print when the
     * change lands then (ctl's window and polling are patronictl's). Either answer is right; what must
     * hold is that every node shows the new state within a few cycles.
     */
    protected void assertPauseWaitAnswered(Exec.Result r, boolean paused) {
        String success = "Success: cluster management is " + (paused ? "paused" : "resumed");
        assertThat(r.output()).containsPattern(java.util.regex.Pattern.quote(success)
                + "|members didn't recognized pause state after \\d+ seconds");
        await(timing.fewLoops()).untilAsserted(() -> assertThat(view.statuses()).as(view::describe)
                .allMatch(s -> s.paused() == paused));
    }

    protected void awaitHealthy(Duration atMost) {
        await(atMost).untilAsserted(() -> assertThat(view.healthy()).as(() -> "healthy cluster: " + view.describe()).isTrue());
    }

    protected String awaitSinglePrimary(Duration atMost) {
        await(atMost).untilAsserted(() ->
                assertThat(view.singlePrimary()).as(() -> "exactly one running primary: " + view.describe()).isPresent());
        return view.singlePrimary().orElseThrow();
    }

    /** Waits until a primary other than {@code old} runs and returns it. */
    protected String awaitNewPrimary(String old, Duration atMost) {
        await(atMost).untilAsserted(() -> assertThat(view.singlePrimary())
                .as(() -> "a primary other than " + old + ": " + view.describe())
                .isPresent().get().isNotEqualTo(old));
        return view.singlePrimary().orElseThrow();
    }

    /**
     * Runs {@code trigger} (a planned switchover to {@code candidate}) while a client writes a
     * row every 50 ms through HAProxy's write port; waits for the candidate to be the primary
     * and writes to flow again; checks every acknowledged row is there afterwards (spec 3.6).
     * Returns the longest time between two acknowledged writes.
     */
    protected Duration switchoverUnderWrites(String table, String candidate, Runnable trigger) throws Exception {
        Duration outage;
        List<Long> acked;
        String former = view.singlePrimary().orElseThrow();
        long formerTimeline = view.status(former).timeline();
        java.time.Instant since = java.time.Instant.now();
        try (PrimaryPoller poller = new PrimaryPoller(cluster.nodes());
             WriteStream stream = WriteStream.start(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, table,
                Duration.ofMillis(50), Duration.ofMinutes(5))) {
            await(timing.fewLoops()).until(() -> stream.ackCount() >= 20);
            long t0 = System.nanoTime();
            trigger.run();
            await(timing.switchover()).untilAsserted(() -> assertThat(view.singlePrimary())
                    .as(() -> "candidate " + candidate + " is the primary: " + view.describe()).contains(candidate));
            int before = stream.ackCount();
            await(timing.switchover()).until(() -> stream.ackCount() >= before + 20);
            outage = stream.longestGap();
            report("switchover", "%s: candidate primary and writes flowing %.2f s after the request", table,
                    seconds(System.nanoTime() - t0));
            acked = stream.acknowledgedIds();
            report("switchover", "%s -> %s: write outage %.2f s (%d acknowledged writes, %d errors, first: %s)",
                    table, candidate, seconds(outage), acked.size(), stream.errors().size(),
                    stream.errors().isEmpty() ? "-" : stream.errors().get(0));
            report("switchover", "%s: %d polls of OPTIONS /primary on every node, overlaps: %s", table, poller.polls(),
                    poller.overlaps());
            poller.assertNoOverlap("switchover to " + candidate);
        }
        assertAllPresent(table, acked);
        awaitHealthy(timing.rejoin());
        assertAllPresentOnEveryReplica(table, acked);
        assertRewoundExactlyWhenNeeded(former, candidate, formerTimeline, false, since);
        return outage;
    }

    /**
     * "Rejoins through pg_rewind" (issue 12), from the timelines and the agent's own report, not
     * from its log. {@code node} was the primary on {@code formerTimeline}; {@code primary} now
     * leads on a higher timeline and {@code node} follows it on that timeline. A former primary
     * that crashed has WAL the new timeline lacks (the promoted replica had at most what it had
     * written, and the crash recovery's checkpoint comes after that), so it must have run
     * pg_rewind; one that stopped cleanly in a switchover must not (its shutdown checkpoint is
     * where the new timeline starts, R37). Our agent names each pg_rewind it runs in its
     * {@code GET /events} ("running pg_rewind from ..."); real Patroni has no such report, so
     * there only the timelines are asserted.
     */
    protected void assertRewoundExactlyWhenNeeded(String node, String primary, long formerTimeline, boolean crashed,
                                                  java.time.Instant since) {
        await(timing.rejoin()).untilAsserted(() -> {
            NodeStatus p = view.status(primary);
            NodeStatus n = view.status(node);
            assertThat(p.timeline()).as("%s's timeline after %s left timeline %d", primary, node, formerTimeline)
                    .isGreaterThan(formerTimeline);
            assertThat(n.timeline()).as("%s follows %s on its timeline: %s", node, primary, n).isEqualTo(p.timeline());
        });
        Http.Response r = await(timing.fewLoops()).until(
                () -> view.http().get(cluster.restUrl(node, "/events")).orElse(null),
                java.util.Objects::nonNull);
        // Real Patroni has no /events: 3.0.2 answers an unknown GET with its status document (200 on
        // a primary, 503 on a replica), never with our list of events.
        if (r.status() == 404 || !r.body().stripLeading().startsWith("[") && r.body().contains("\"patroni\"")) {
            report("rewind", "%s runs real Patroni (no GET /events): timeline %d -> %d, rewind needed: %s", node,
                    formerTimeline, view.status(node).timeline(), crashed);
            return;
        }
        assertThat(r.status()).as("GET /events on %s: %s", node, r.body()).isEqualTo(200);
        List<String> rewinds = new java.util.ArrayList<>();
        List<String> reinits = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode e : r.json()) {
            if (java.time.Instant.parse(e.path("time").asText()).isBefore(since)) {
                continue;
            }
            String message = e.path("message").asText();
            if ("rewind".equals(e.path("kind").asText()) && message.startsWith("running pg_rewind from ")) {
                rewinds.add(message);
            } else if ("reinitialize".equals(e.path("kind").asText())) {
                reinits.add(message);
            }
        }
        report("rewind", "%s: timeline %d -> %d (%s), its events since then: pg_rewind %s, reinitialize %s", node,
                formerTimeline, view.status(node).timeline(), crashed ? "crashed" : "stopped cleanly", rewinds, reinits);
        assertThat(reinits).as("%s rejoined without being reinitialized", node).isEmpty();
        if (crashed) {
            assertThat(rewinds).as("%s crashed as primary of timeline %d: it must have rewound", node, formerTimeline)
                    .contains("running pg_rewind from " + primary);
        } else {
            assertThat(rewinds).as("%s stopped cleanly in a switchover: no pg_rewind needed", node).isEmpty();
        }
    }

    /** Every acknowledged id is in the table, read through HAProxy's write port (the primary). */
    protected void assertAllPresent(String table, List<Long> acked) {
        await(timing.switchover()).untilAsserted(() -> {
            List<Long> present = Pg.column(LocalCluster.HAPROXY, LocalCluster.WRITE_PORT, "SELECT id FROM " + table)
                    .stream().map(Long::parseLong).toList();
            assertThat(new java.util.HashSet<>(present)).as("acknowledged rows of " + table).containsAll(acked);
        });
    }

    /**
     * Every acknowledged id is on every replica too (read on each node directly): a node that
     * rejoined after a failover or switchover has the writes the new primary acknowledged.
     */
    protected void assertAllPresentOnEveryReplica(String table, List<Long> acked) {
        String primary = view.singlePrimary().orElseThrow();
        for (String n : replicasOf(primary)) {
            await(timing.rejoin()).untilAsserted(() -> {
                List<Long> present = Pg.column(LocalCluster.host(n), 5432, "SELECT id FROM " + table)
                        .stream().map(Long::parseLong).toList();
                assertThat(new java.util.HashSet<>(present)).as("acknowledged rows of " + table + " on " + n)
                        .containsAll(acked);
            });
        }
    }

    /**
     * Our {@code agent.jar ctl} and the real patronictl print exactly the same for {@code args}
     * against node1's configuration (issue 15); retried for a few loops while the cluster moves
     * (lag, a member key being rewritten between the two runs).
     */
    protected void sameAsPatronictl(String... args) {
        await(timing.fewLoops()).untilAsserted(() -> {
            // Both at once: the same moment of the cluster, and half the wall time.
            var theirsLater = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> Patronictl.run(cluster.patroniYml("node1"), Duration.ofSeconds(30), args));
            Exec.Result mine = OurCtl.run(env, cluster.patroniYml("node1"), Duration.ofSeconds(30), null, args);
            Exec.Result theirs = theirsLater.join();
            assertThat(mine.exitCode()).isEqualTo(theirs.exitCode());
            assertThat(mine.output()).as("ctl " + String.join(" ", args)).isEqualTo(theirs.output());
        });
    }

    protected List<String> replicasOf(String primary) {
        return cluster.nodes().stream().filter(n -> !n.equals(primary)).toList();
    }

    protected static double seconds(long nanos) {
        return nanos / 1e9;
    }

    protected static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    protected void report(String what, String format, Object... args) {
        System.out.printf("[e2e][%s][%s] %s: %s%n", env.agent(), clusterName(), what, String.format(format, args));
    }
}
