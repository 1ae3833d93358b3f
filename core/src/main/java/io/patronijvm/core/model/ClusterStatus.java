package io.patronijvm.core.model;

import java.util.List;
import java.util.Map;

/**
 * The {@code status} key the leader writes: its last WAL position and slot positions.
 */
public record ClusterStatus(long optime, Map<String, Long> slots, List<String> retainSlots) {

    public static final ClusterStatus EMPTY = new ClusterStatus(0L, Map.of(), List.of());

    public ClusterStatus {
        slots = slots == null ? Map.of() : Map.copyOf(slots);
        retainSlots = retainSlots == null ? List.of() : List.copyOf(retainSlots);
    }
}
