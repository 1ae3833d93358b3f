package io.patronijvm.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patronijvm.core.dcs.wire.ClusterViewAssembler;
import io.patronijvm.core.dcs.wire.ClusterViewAssembler.KeyValue;
import io.patronijvm.core.model.ClusterView;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden outputs: each expected string is what the real patronictl 3.0.2 printed for the same
 * keys (captured from a running cluster); CtlE2eTest compares the two on live clusters.
 */
class CtlOutputTest {

    private static final Map<String, Object> TAGS = tags();

    private static Map<String, Object> tags() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("nofailover", false);
        t.put("noloadbalance", false);
        t.put("clonefrom", false);
        t.put("nosync", false);
        return t;
    }

    private static Map<String, Object> member(int i, String role, long xlog) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("conn_url", "postgres://127.0.81." + i + ":5432/postgres");
        m.put("api_url", "http://127.0.81." + i + ":8008/patroni");
        m.put("state", "running");
        m.put("role", role);
        m.put("version", "3.3.1");
        m.put("xlog_location", xlog);
        m.put("timeline", 1);
        m.put("tags", TAGS);
        return m;
    }

    private static ClusterView cluster(boolean withTags, Map<String, Object> config, Object failover) {
        List<KeyValue> keys = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> m = member(i, i == 1 ? "master" : "replica", 50331808L);
            if (!withTags) {
                m.remove("tags");
            }
            keys.add(new KeyValue("members/node" + i, m, null, "s" + i, 10 + i));
        }
        keys.add(new KeyValue("leader", "node1", "node1", "s1", 20));
        keys.add(new KeyValue("status", Map.of("optime", 50331808L), null, null, 21));
        keys.add(new KeyValue("config", config, null, null, 22));
        keys.add(new KeyValue("history", List.of(List.of(1, 67417344L, "no recovery target specified",
                "2026-12-01T10:04:33.822069711Z", "node2")), null, null, 23));
        if (failover != null) {
            keys.add(new KeyValue("failover", failover, null, null, 24));
        }
        return ClusterViewAssembler.assemble(keys, 30, w -> { });
    }

    private static ClusterView cluster() {
        return cluster(true, Map.of("ttl", 10, "loop_wait", 2), null);
    }

    @Test
    void listTableWithMultiLineTagsHasARuleUnderEveryRowAndTheClusterInTheTopBorder() {
        assertThat(MemberTable.render(cluster(), "demo", false, "pretty")).isEqualTo("""
                + Cluster: demo ------+---------+---------+----+-----------+----------------------+
                | Member | Host       | Role    | State   | TL | Lag in MB | Tags                 |
                +--------+------------+---------+---------+----+-----------+----------------------+
                | node1  | 127.0.81.1 | Leader  | running |  1 |           | clonefrom: false     |
                |        |            |         |         |    |           | nofailover: false    |
                |        |            |         |         |    |           | noloadbalance: false |
                |        |            |         |         |    |           | nosync: false        |
                +--------+------------+---------+---------+----+-----------+----------------------+
                | node2  | 127.0.81.2 | Replica | running |  1 |         0 | clonefrom: false     |
                |        |            |         |         |    |           | nofailover: false    |
                |        |            |         |         |    |           | noloadbalance: false |
                |        |            |         |         |    |           | nosync: false        |
                +--------+------------+---------+---------+----+-----------+----------------------+
                | node3  | 127.0.81.3 | Replica | running |  1 |         0 | clonefrom: false     |
                |        |            |         |         |    |           | nofailover: false    |
                |        |            |         |         |    |           | noloadbalance: false |
                |        |            |         |         |    |           | nosync: false        |
                +--------+------------+---------+---------+----+-----------+----------------------+
                """);
    }

    @Test
    void jsonLeavesOutEmptyCellsAndKeepsTagOrder() {
        assertThat(MemberTable.render(cluster(), "demo", false, "json")).isEqualTo("[{\"Cluster\": \"demo\", "
                + "\"Member\": \"node1\", \"Host\": \"127.0.81.1\", \"Role\": \"Leader\", \"State\": \"running\", "
                + "\"TL\": 1, \"Tags\": {\"nofailover\": false, \"noloadbalance\": false, \"clonefrom\": false, "
                + "\"nosync\": false}}, {\"Cluster\": \"demo\", \"Member\": \"node2\", \"Host\": \"127.0.81.2\", "
                + "\"Role\": \"Replica\", \"State\": \"running\", \"TL\": 1, \"Lag in MB\": 0, \"Tags\": "
                + "{\"nofailover\": false, \"noloadbalance\": false, \"clonefrom\": false, \"nosync\": false}}, "
                + "{\"Cluster\": \"demo\", \"Member\": \"node3\", \"Host\": \"127.0.81.3\", \"Role\": \"Replica\", "
                + "\"State\": \"running\", \"TL\": 1, \"Lag in MB\": 0, \"Tags\": {\"nofailover\": false, "
                + "\"noloadbalance\": false, \"clonefrom\": false, \"nosync\": false}}]\n");
    }

    @Test
    void yamlSortsKeysAndEndsWithABlankLine() {
        String yaml = MemberTable.render(cluster(false, Map.of(), null), "demo", false, "yaml");
        assertThat(yaml).startsWith("""
                - Cluster: demo
                  Host: 127.0.81.1
                  Member: node1
                  Role: Leader
                  State: running
                  TL: 1
                - Cluster: demo
                  Host: 127.0.81.2
                  Lag in MB: 0
                  Member: node2
                """).endsWith("  TL: 1\n\n");
    }

    @Test
    void tsvKeepsTheClusterColumnAndPrintsTagsInFlowStyle() {
        assertThat(MemberTable.render(cluster(), "demo", false, "tsv").lines().toList()).containsExactly(
                "Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB\tTags",
                "demo\tnode1\t127.0.81.1\tLeader\trunning\t1\t\t{clonefrom: false, nofailover: false, noloadbalance: false, nosync: false}",
                "demo\tnode2\t127.0.81.2\tReplica\trunning\t1\t0\t{clonefrom: false, nofailover: false, noloadbalance: false, nosync: false}",
                "demo\tnode3\t127.0.81.3\tReplica\trunning\t1\t0\t{clonefrom: false, nofailover: false, noloadbalance: false, nosync: false}");
    }

    @Test
    void topologyIndentsReplicasUnderTheLeader() {
        assertThat(MemberTable.render(cluster(false, Map.of(), null), "demo", false, "topology")).isEqualTo("""
                + Cluster: demo -------+---------+---------+----+-----------+
                | Member  | Host       | Role    | State   | TL | Lag in MB |
                +---------+------------+---------+---------+----+-----------+
                | node1   | 127.0.81.1 | Leader  | running |  1 |           |
                | + node2 | 127.0.81.2 | Replica | running |  1 |         0 |
                | + node3 | 127.0.81.3 | Replica | running |  1 |         0 |
                +---------+------------+---------+---------+----+-----------+
                """);
    }

    @Test
    void pausedClusterAndScheduledSwitchoverAreNamedUnderTheTable() {
        Map<String, Object> failover = Map.of("leader", "node1", "member", "node2", "scheduled_at",
                "2026-12-01T12:05:00+00:00");
        String out = MemberTable.render(cluster(false, Map.of("pause", true), failover), "demo", false, "pretty");
        assertThat(out).endsWith("+--------+------------+---------+---------+----+-----------+\n"
                + " Maintenance mode: on\n"
                + " Switchover scheduled at: 2026-12-01T12:05:00+00:00\n"
                + "                    from: node1\n"
                + "                      to: node2\n");
    }

    @Test
    void historyAlignsNumbersRightAndQuotesTimestampsInYaml() {
        ClusterView v = cluster();
        List<List<Object>> rows = new ArrayList<>();
        v.history().forEach(h -> rows.add(List.of(h.timeline(), h.lsn(), h.reason(), h.timestamp(), h.newLeader())));
        List<String> cols = List.of("TL", "LSN", "Reason", "Timestamp", "New Leader");
        assertThat(Output.render(cols, rows, java.util.Set.of("TL", "LSN"), "pretty", null)).isEqualTo("""
                +----+----------+------------------------------+--------------------------------+------------+
                | TL |      LSN | Reason                       | Timestamp                      | New Leader |
                +----+----------+------------------------------+--------------------------------+------------+
                |  1 | 67417344 | no recovery target specified | 2026-12-01T10:04:33.822069711Z | node2      |
                +----+----------+------------------------------+--------------------------------+------------+
                """);
        assertThat(Output.render(cols, rows, java.util.Set.of(), "yaml", null))
                .contains("  Timestamp: '2026-12-01T10:04:33.822069711Z'\n");
        assertThat(Output.render(cols, List.of(), java.util.Set.of(), "pretty", null)).isEqualTo("""
                +----+-----+--------+-----------+------------+
                | TL | LSN | Reason | Timestamp | New Leader |
                +----+-----+--------+-----------+------------+
                +----+-----+--------+-----------+------------+
                """);
    }

    @Test
    void yamlQuotesStringsThatYaml11WouldReadAsSomethingElse() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", "yes");
        m.put("a", "0755");
        m.put("c", "80MB");
        m.put("d", "");
        m.put("e", List.of("local all all trust"));
        assertThat(PyYaml.dump(m, false)).isEqualTo("a: '0755'\nb: 'yes'\nc: 80MB\nd: ''\ne:\n- local all all trust\n");
    }

    @Test
    void diffHasPatronictlsBareHeadersAndHunks() {
        String diff = ConfigEdits.unifiedDiff("a: 1\nb: 2\nc: 3\n", "a: 1\nb: 5\nc: 3\n");
        assertThat(diff).isEqualTo("--- \n+++ \n@@ -1,3 +1,3 @@\n a: 1\n-b: 2\n+b: 5\n c: 3\n");
    }

    @Test
    void setKeepsDotsInsidePostgresParameterNamesAndANullValueDeletes() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>(Map.of("ttl", 30));
        Map<String, Object> out = new ConfigEdits(null).set(data,
                List.of("postgresql.parameters.auto_explain.log_min_duration=100", "ttl=", "loop_wait=5"));
        assertThat(out).isEqualTo(Map.of("loop_wait", 5, "postgresql",
                Map.of("parameters", Map.of("auto_explain.log_min_duration", 100))));
        assertThatThrownBy(() -> new ConfigEdits(null).set(data, List.of("novalue")))
                .hasMessage("Invalid parameter setting novalue");
    }

    @Test
    void scheduledTimesParseAsIso8601AndPrintAsPythonIsoformat() throws Exception {
        OffsetDateTime t = Schedule.parse("2026-12-01T11:30+02:00");
        assertThat(Py.isoformat(t)).isEqualTo("2026-12-01T11:30:00+02:00");
        assertThat(Schedule.parse("now")).isNull();
        assertThatThrownBy(() -> Schedule.parse("tomorrow")).hasMessageContaining("Unable to parse scheduled timestamp");
    }

    @Test
    void endOfInputAbortsAQuestion() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Console c = new Console(new BufferedReader(new StringReader("\nmaybe\ny\n")), out);
        assertThatThrownBy(() -> {
            assertThat(c.prompt("Primary", "node1")).isEqualTo("node1");
            assertThat(c.confirm("Sure?")).isTrue();
            c.prompt("More", null);
        }).isInstanceOf(Console.Aborted.class).hasMessage("Aborted!");
    }
}
