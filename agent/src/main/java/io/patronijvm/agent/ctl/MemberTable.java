package io.patronijvm.agent.ctl;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Member;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The member table of {@code list}, {@code topology} and the commands that show the cluster
 * before acting: one row per member key, sorted by name, with patronictl 3.0.2's columns,
 * roles, lag arithmetic and optional columns (spec 5).
 */
final class MemberTable {

    /** One member as patronictl describes it; absent fields are null. */
    record Row(String name, String role, String state, String host, Integer port, Integer timeline,
               boolean pendingRestart, Object scheduledRestart, Map<String, Object> tags, Object lag) {
    }

    private static final Set<String> RIGHT = Set.of("Group", "Lag in MB", "TL");

    private MemberTable() {
    }

    static List<Row> rows(ClusterView view) {
        String leader = view.leader() == null ? null : view.leader().name();
        long clusterLsn = view.status().optime();
        boolean standby = view.config() != null && view.config().version() > 0
                && isStandbyCluster(view.config().data().get("standby_cluster"));
        List<Row> out = new ArrayList<>();
        for (Member m : view.members()) {
            String role;
            if (m.name().equals(leader)) {
                role = standby ? "standby_leader" : "leader";
            } else if (view.sync() != null && view.sync().isSyncStandby(m.name())) {
                role = "sync_standby";
            } else {
                role = "replica";
            }
            String host = null;
            Integer port = null;
            var url = io.patronijvm.core.model.MemberUrl.parse(m.connUrl(), 5432);
            if (url.isPresent()) {
                host = url.get().host().toLowerCase(Locale.ROOT);
                port = url.get().port();
            }
            Object lag = null;
            if (!m.name().equals(leader)) {
                lag = m.xlogLocation() == null ? "unknown" : Math.max(0L, clusterLsn - m.xlogLocation());
            }
            Map<String, Object> tags = m.tags().isEmpty() ? null : m.tags().all();
            out.add(new Row(m.name(), role, m.state() == null ? "" : m.state(), host, port, m.timeline(),
                    m.pendingRestart(), m.extra().get("scheduled_restart"), tags, lag));
        }
        return out;
    }

    static boolean isStandbyCluster(Object standby) {
        return standby instanceof Map<?, ?> s && (truthy(s.get("host")) || truthy(s.get("port"))
                || truthy(s.get("restore_command")));
    }

    private static boolean truthy(Object v) {
        return v != null && !"".equals(v) && !Boolean.FALSE.equals(v) && !(v instanceof Number n && n.doubleValue() == 0);
    }

    /** {@code output_members}: prints the table (or TSV/JSON/YAML) and, for tables, the service lines. */
    static String render(ClusterView view, String name, boolean extended, String fmt) {
        List<Row> members = rows(view);
        List<String> columns = new ArrayList<>(List.of("Cluster", "Member", "Host", "Role", "State", "TL", "Lag in MB"));
        List<Row> withHost = members.stream().filter(r -> r.host() != null).toList();
        if (extended || withHost.stream().anyMatch(Row::pendingRestart)) {
            columns.add("Pending restart");
        }
        if (extended || withHost.stream().anyMatch(r -> truthy(r.scheduledRestart()) && !(r.scheduledRestart()
                instanceof Map<?, ?> m && m.isEmpty()))) {
            columns.add("Scheduled restart");
        }
        if (extended || withHost.stream().anyMatch(r -> r.tags() != null)) {
            columns.add("Tags");
        }
        Set<String> hosts = new HashSet<>();
        withHost.forEach(r -> hosts.add(r.host()));
        boolean appendPort = withHost.stream().anyMatch(r -> r.port() != null && r.port() != 5432)
                || hosts.size() < withHost.size();
        List<List<Object>> rows = new ArrayList<>();
        for (Row r : "topology".equals(fmt) ? topologySort(members) : members) {
            Map<String, Object> cells = new LinkedHashMap<>();
            cells.put("Cluster", name);
            cells.put("Member", r.name());
            String host = r.host() == null ? "" : r.host();
            if (appendPort && !host.isEmpty() && r.port() != null) {
                host = host + ":" + r.port();
            }
            cells.put("Host", host);
            cells.put("Role", title(r.role()));
            cells.put("State", r.state());
            cells.put("TL", r.timeline() == null ? "" : r.timeline());
            cells.put("Lag in MB", r.lag() instanceof Long l ? (Object) (long) Math.rint(l / 1024.0 / 1024.0)
                    : r.lag() == null ? "" : r.lag());
            cells.put("Pending restart", r.pendingRestart() ? "*" : "");
            cells.put("Scheduled restart", scheduled(r.scheduledRestart()));
            cells.put("Tags", r.tags() == null ? "" : r.tags());
            List<Object> row = new ArrayList<>();
            columns.forEach(c -> row.add(cells.get(c)));
            rows.add(row);
        }
        StringBuilder sb = new StringBuilder(Output.render(columns, rows, RIGHT, fmt, " Cluster: " + name + " "));
        if ("pretty".equals(fmt) || "topology".equals(fmt)) {
            List<String> info = serviceInfo(view);
            if (!info.isEmpty()) {
                sb.append(' ').append(String.join("\n ", info)).append('\n');
            }
        }
        return sb.toString();
    }

    private static Object scheduled(Object s) {
        if (!(s instanceof Map<?, ?> m) || m.get("schedule") == null) {
            return "";
        }
        String value = String.valueOf(m.get("schedule"));
        if (m.containsKey("postgres_version")) {
            value += " if version < " + m.get("postgres_version");
        }
        return value;
    }

    /** {@code sync_standby} -> {@code Sync Standby}. */
    static String title(String role) {
        StringBuilder sb = new StringBuilder();
        for (String word : role.replace('_', ' ').split(" ", -1)) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(word.isEmpty() ? "" : Character.toUpperCase(word.charAt(0)) + word.substring(1).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** Leader first, each replica under the member its {@code replicatefrom} tag names, indented with "+ ". */
    static List<Row> topologySort(List<Row> members) {
        Row leader = members.stream().filter(r -> r.role().endsWith("leader")).findFirst().orElse(null);
        String leaderName = leader == null ? null : leader.name();
        Set<String> replicas = new HashSet<>();
        members.stream().filter(r -> !r.role().endsWith("leader")).forEach(r -> replicas.add(r.name()));
        Map<String, List<Row>> children = new LinkedHashMap<>();
        for (Row r : members) {
            if (!r.role().endsWith("leader")) {
                Object tag = r.tags() == null ? null : r.tags().get("replicatefrom");
                String parent = tag instanceof String p && !p.isEmpty() && !p.equals(r.name()) && replicas.contains(p)
                        ? p : leaderName;
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(r);
            }
        }
        List<Row> out = new ArrayList<>();
        walk(0, leader, leaderName, children, out, new HashSet<>());
        return out;
    }

    private static void walk(int level, Row member, String name, Map<String, List<Row>> children, List<Row> out,
                             Set<String> seen) {
        if (member != null) {
            String shown = level > 0 ? " ".repeat((level - 1) * 2) + "+ " + member.name() : member.name();
            out.add(new Row(shown, member.role(), member.state(), member.host(), member.port(), member.timeline(),
                    member.pendingRestart(), member.scheduledRestart(), member.tags(), member.lag()));
        }
        if (name != null && !seen.add(name)) {
            return;
        }
        for (Row child : children.getOrDefault(name, List.of())) {
            walk(level + 1, child, child.name(), children, out, seen);
        }
    }

    private static List<String> serviceInfo(ClusterView view) {
        List<String> info = new ArrayList<>();
        if (view.isPaused()) {
            info.add("Maintenance mode: on");
        }
        if (view.failover() != null && view.failover().scheduledAt() != null) {
            StringBuilder s = new StringBuilder("Switchover scheduled at: " + Py.isoformat(view.failover().scheduledAt()));
            if (view.failover().hasLeader()) {
                s.append('\n').append(String.format("%24s: %s", "from", view.failover().leader()));
            }
            if (view.failover().hasCandidate()) {
                s.append('\n').append(String.format("%24s: %s", "to", view.failover().candidate()));
            }
            info.add(s.toString());
        }
        return info;
    }
}
