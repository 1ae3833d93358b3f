package io.patronijvm.core.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything under {@code <namespace>/<scope>/} read in one request: the immutable snapshot one
 * HA cycle decides on. Absent keys are null (or empty collections), never placeholders, so
 * "no leader" and "leader key present" cannot be confused.
 *
 * @param initialize the {@code initialize} value: null when absent, {@code ""} while bootstrap runs, else the sysid
 * @param config     the dynamic configuration, or null when the key is absent
 * @param leader     the leader key, or null when the cluster is unlocked
 * @param members    every member key, sorted by name
 * @param failover   the failover key, or null when absent or empty
 * @param sync       the sync key, or null
 * @param history    timeline history, oldest first (empty when absent)
 * @param historyVersion modify index of the history key, or 0
 * @param status     the leader's last published status, or {@link ClusterStatus#EMPTY}
 * @param failsafe   the failsafe map {@code name -> api_url}, or null when absent
 * @param index      the Consul index (or equivalent) the snapshot was read at
 */
public record ClusterView(
        String initialize,
        ClusterConfig config,
        Leader leader,
        List<Member> members,
        Failover failover,
        SyncState sync,
        List<HistoryEntry> history,
        long historyVersion,
        ClusterStatus status,
        Map<String, String> failsafe,
        long index) {

    private static final Pattern SYSID = Pattern.compile("\\d{10,}");

    public static final ClusterView EMPTY =
            new ClusterView(null, null, null, List.of(), null, null, List.of(), 0, ClusterStatus.EMPTY, null, 0);

    public ClusterView {
        members = members == null ? List.of()
                : members.stream().sorted(Comparator.comparing(Member::name)).toList();
        history = history == null ? List.of() : List.copyOf(history);
        status = status == null ? ClusterStatus.EMPTY : status;
        failsafe = failsafe == null ? null : Map.copyOf(failsafe);
    }

    public boolean isLocked() {
        return leader != null;
    }

    public boolean hasInitializeKey() {
        return initialize != null;
    }

    /** True when {@code initialize} holds a real system identifier (at least 10 digits), per R4. */
    public boolean initializeIsSysid() {
        return initialize != null && SYSID.matcher(initialize).matches();
    }

    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public Optional<Member> leaderMember() {
        return leader == null ? Optional.empty() : member(leader.name());
    }

    public boolean isLeader(String name) {
        return leader != null && leader.name().equals(name);
    }

    /** Cluster timeline: the last history entry's timeline + 1, or 0 when there is no history. */
    public int clusterTimeline() {
        return history.isEmpty() ? 0 : history.get(history.size() - 1).timeline() + 1;
    }

    /** Whether the dynamic config says the cluster is paused (maintenance mode). */
    public boolean isPaused() {
        return config != null && Boolean.TRUE.equals(config.data().get("pause"));
    }
}
