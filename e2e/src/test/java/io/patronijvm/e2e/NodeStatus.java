package io.patronijvm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What one node's {@code GET /patroni} says (spec 1.3), or that it did not answer. Patroni
 * 3.x and ours say {@code master} for the primary; 4.x says {@code primary}: both count.
 */
record NodeStatus(String node, boolean reachable, String role, String state, long timeline,
                  String replicationState, List<String> streamingWalsenders, boolean paused, JsonNode raw) {

    static NodeStatus unreachable(String node) {
        return new NodeStatus(node, false, "unreachable", "-", -1, null, List.of(), false, null);
    }

    static NodeStatus parse(String node, JsonNode j) {
        List<String> senders = new ArrayList<>();
        for (JsonNode r : j.path("replication")) {
            if ("streaming".equals(r.path("state").asText())) {
                senders.add(r.path("application_name").asText());
            }
        }
        return new NodeStatus(node, true, j.path("role").asText("-"), j.path("state").asText("-"),
                j.path("timeline").asLong(-1), j.hasNonNull("replication_state") ? j.get("replication_state").asText() : null,
                List.copyOf(senders), j.path("pause").asBoolean(false), j);
    }

    boolean isRunningPrimary() {
        return reachable && ("master".equals(role) || "primary".equals(role)) && "running".equals(state);
    }

    boolean isRunningReplica() {
        return reachable && "replica".equals(role) && "running".equals(state);
    }

    @Override
    public String toString() {
        return node + "(" + role + "/" + state + " tl=" + timeline
                + (replicationState == null ? "" : " " + replicationState) + (paused ? " paused" : "") + ")";
    }
}
