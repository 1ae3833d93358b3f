package io.patronijvm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a client or an operator can see of a {@link LocalCluster}: each node's REST API and the
 * Consul keys (spec 2.1), read over HTTP with short timeouts. Never caches.
 */
final class ClusterView {

    private final LocalCluster cluster;
    /** Made at first use: a TLS cluster's certificates exist only once it is up. */
    private Http http;

    ClusterView(LocalCluster cluster) {
        this.cluster = cluster;
    }

    NodeStatus status(String node) {
        return http().get(cluster.restUrl(node, "/patroni"))
                .filter(r -> r.status() == 200)
                .map(r -> NodeStatus.parse(node, r.json()))
                .orElseGet(() -> NodeStatus.unreachable(node));
    }

    List<NodeStatus> statuses() {
        return cluster.nodes().stream().map(this::status).toList();
    }

    /** The only running primary, if exactly one node says so. */
    Optional<String> singlePrimary() {
        List<String> p = statuses().stream().filter(NodeStatus::isRunningPrimary).map(NodeStatus::node).toList();
        return p.size() == 1 ? Optional.of(p.get(0)) : Optional.empty();
    }

    /**
     * One running primary and every other node a running replica that streams from it: it says
     * replication_state=streaming (Patroni >= 3.0.4, ours) or the primary lists it as a
     * streaming walsender under its member name (Patroni 3.0.2).
     */
    boolean healthy(List<String> members) {
        List<NodeStatus> all = members.stream().map(this::status).toList();
        List<NodeStatus> primaries = all.stream().filter(NodeStatus::isRunningPrimary).toList();
        if (primaries.size() != 1) {
            return false;
        }
        List<String> senders = primaries.get(0).streamingWalsenders();
        return all.stream().filter(s -> !s.isRunningPrimary())
                .allMatch(s -> s.isRunningReplica()
                        && ("streaming".equals(s.replicationState()) || senders.contains(s.node())));
    }

    boolean healthy() {
        return healthy(cluster.nodes());
    }

    String describe() {
        return statuses().toString() + " leader key=" + leaderKey(1).orElse("<none>");
    }

    /** The value of the leader key as Consul server / etcd member {@code server} sees it (consistent read). */
    Optional<String> leaderKey(int server) {
        return readLeader(server).flatMap(o -> o);
    }

    /**
     * The leader key through one server: empty when the read failed, else its value (empty when
     * the key does not exist). Consistent on Consul, linearizable on etcd.
     */
    Optional<Optional<String>> readLeader(int server) {
        if (cluster.onEtcd()) {
            return etcdRange(server, "/service/" + LocalCluster.SCOPE + "/leader", false)
                    .map(m -> Optional.ofNullable(m.get("leader")));
        }
        Optional<Http.Response> r = http().get(kvUrl(server) + "leader?consistent");
        if (r.isEmpty() || r.get().status() != 200 && r.get().status() != 404) {
            return Optional.empty();
        }
        return Optional.of(r.get().status() == 404 ? Optional.empty()
                : Optional.of(decode(r.get().json().get(0).path("Value").asText(""))));
    }

    /**
     * The TTL Consul server {@code server} holds for the leader key's session ("30s"), empty when
     * there is no leader or the read failed. Shows when a ttl change reached the leader's session.
     */
    Optional<String> leaderSessionTtl(int server) {
        Optional<Http.Response> key = http().get(kvUrl(server) + "leader?consistent").filter(r -> r.status() == 200);
        String session = key.map(r -> r.json().get(0).path("Session").asText("")).orElse("");
        if (session.isEmpty()) {
            return Optional.empty();
        }
        return http().get("http://" + LocalCluster.consulHost(server) + ":8500/v1/session/info/" + session + "?consistent")
                .filter(r -> r.status() == 200 && r.json().size() == 1)
                .map(r -> r.json().get(0).path("TTL").asText(""));
    }

    /** Keys under {@code prefix} (or the one key) through etcd member {@code member}, names relative to the scope. */
    private Optional<Map<String, String>> etcdRange(int member, String key, boolean prefix) {
        String b64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        String body = prefix ? "{\"key\":\"" + b64 + "\",\"range_end\":\"" + Base64.getEncoder().encodeToString(
                (key.substring(0, key.length() - 1) + (char) (key.charAt(key.length() - 1) + 1))
                        .getBytes(StandardCharsets.UTF_8)) + "\"}" : "{\"key\":\"" + b64 + "\"}";
        return http().post(LocalCluster.etcdUrl(member) + "/v3/kv/range", body, java.time.Duration.ofSeconds(3))
                .filter(r -> r.status() == 200).map(r -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    String scopePrefix = "/service/" + LocalCluster.SCOPE + "/";
                    for (JsonNode kv : r.json().path("kvs")) {
                        out.put(decode(kv.path("key").asText("")).substring(scopePrefix.length()),
                                decode(kv.path("value").asText("")));
                    }
                    return out;
                });
    }

    /** Every key under service/demo/, relative names (e.g. "members/node1") to decoded values. */
    Map<String, String> keys(int server) {
        if (cluster.onEtcd()) {
            return etcdRange(server, "/service/" + LocalCluster.SCOPE + "/", true)
                    .orElseThrow(() -> new IllegalStateException("etcd member " + server + " gave no keys"));
        }
        JsonNode arr = http().get(kvUrl(server) + "?recurse&consistent")
                .filter(r -> r.status() == 200)
                .orElseThrow(() -> new IllegalStateException("Consul server " + server + " gave no keys"))
                .json();
        Map<String, String> out = new LinkedHashMap<>();
        String prefix = "service/" + LocalCluster.SCOPE + "/";
        for (JsonNode kv : arr) {
            out.put(kv.path("Key").asText().substring(prefix.length()), decode(kv.path("Value").asText("")));
        }
        return out;
    }

    Optional<JsonNode> keyJson(int server, String key) {
        String v = keys(server).get(key);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Http.JSON.readTree(v));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("key " + key + " is not JSON: " + v, e);
        }
    }

    synchronized Http http() {
        if (http == null) {
            http = new Http(cluster::credentials, cluster.restTls());
        }
        return http;
    }

    private static String kvUrl(int server) {
        return "http://" + LocalCluster.consulHost(server) + ":8500/v1/kv/service/" + LocalCluster.SCOPE + "/";
    }

    private static String decode(String base64) {
        return base64.isEmpty() ? "" : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
