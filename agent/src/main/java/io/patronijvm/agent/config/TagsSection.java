package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigValues;
import io.patronijvm.core.model.Tags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code tags:} (spec 4.1). Well-known tags are typed (YAML 1.2 leaves {@code yes} a
 * string, Patroni's YAML 1.1 made it a boolean, so we convert); arbitrary tags are kept as is.
 */
final class TagsSection {

    private static final Set<String> BOOLEAN_TAGS = Set.of("nofailover", "clonefrom", "noloadbalance", "nosync",
            "nostream");
    private static final Set<String> INT_TAGS = Set.of("failover_priority", "sync_priority");
    private static final Map<String, String> PAIRED = Map.of("nofailover", "failover_priority", "nosync", "sync_priority");

    private TagsSection() {
    }

    static Tags read(Section s) {
        Map<String, Object> tags = new LinkedHashMap<>();
        for (String key : s.keys()) {
            Object v = s.raw(key);
            if (v == null) {
                continue;
            }
            if (BOOLEAN_TAGS.contains(key)) {
                // Patroni keeps a well-known boolean tag only when it is true (a false one is the
                // default and appears neither in the member key nor on GET /patroni), except a
                // false nofailover beside failover_priority, which says which of the two wins.
                Boolean b = s.optionalBool(key);
                if (Boolean.TRUE.equals(b) || b != null && s.raw(PAIRED.getOrDefault(key, "")) != null) {
                    tags.put(key, b);
                }
            } else if (INT_TAGS.contains(key)) {
                Optional<Long> n = ConfigValues.integer(v);
                if (n.isEmpty()) {
                    s.problems().error(s.pathOf(key), "must be a whole number, found " + ConfigValues.describe(v));
                } else {
                    tags.put(key, n.get().intValue());
                }
            } else {
                tags.put(key, v);
            }
        }
        resolveConflict(s, tags, "nofailover", "failover_priority");
        resolveConflict(s, tags, "nosync", "sync_priority");
        return new Tags(tags);
    }

    /**
     * Spec 4.1: only one of each pair may be set. When they disagree, the boolean wins with a warning;
     * the priority is dropped so {@link Tags} cannot read the other meaning from it.
     */
    private static void resolveConflict(Section s, Map<String, Object> tags, String flag, String priority) {
        if (!(tags.get(flag) instanceof Boolean b) || !(tags.get(priority) instanceof Integer p)) {
            return;
        }
        if (b == (p <= 0)) {
            s.problems().warning(s.pathOf(priority), "set together with " + s.pathOf(flag)
                    + "; they agree, but set only one of them");
            return;
        }
        s.problems().warning(s.pathOf(priority), "conflicts with " + s.pathOf(flag) + ": " + b
                + "; using " + flag + " and ignoring " + priority + " (set only one of them)");
        tags.remove(priority);
    }
}
