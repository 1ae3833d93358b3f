package io.patronijvm.core.ha;

import io.patronijvm.core.model.Member;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Replication slots (R55 to R57), Patroni 3.x semantics: the primary keeps a slot for every
 * member except itself and {@code nostream} members; a member with {@code replicatefrom} gets
 * its slot on its upstream instead (replicas keep those too); permanent physical slots from the
 * dynamic config are kept on the primary, except one named like our own member slot; permanent
 * logical slots are created on the primary and kept where they exist. Every other slot is
 * dropped, except those ignore_slots matches (the observation leaves those out).
 */
final class SlotRules {

    private SlotRules() {
    }

    /** The physical slots this node should have, or empty when it should not manage slots. */
    static Set<String> wanted(HaInput in, boolean primary) {
        Set<String> out = new TreeSet<>();
        for (Member m : in.view().members()) {
            if (m.name().equals(in.self()) || m.tags().noStream()) {
                continue;
            }
            Optional<String> from = m.tags().replicateFrom();
            boolean upstreamExists = from.isPresent() && !from.get().equals(m.name())
                    && in.view().member(from.get()).isPresent();
            String upstream = upstreamExists ? from.get() : null;
            if ((primary && upstream == null) || in.self().equals(upstream)) {
                out.add(Facts.slotName(m.name()));
            }
        }
        String own = Facts.slotName(in.self());
        for (Map.Entry<String, Map<String, Object>> e : in.config().slots().entrySet()) {
            Object type = e.getValue() == null ? null : e.getValue().get("type");
            boolean physical = type == null || "physical".equals(type.toString());
            if (physical && primary && !e.getKey().equals(own)) {
                out.add(e.getKey());
            } else if (!physical && (primary || in.pg().replicationSlots().contains(e.getKey()))) {
                // A standby cannot create a logical slot; one it already has (copied, or from its
                // time as primary) is kept so that it is there after a failover.
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** R13/R56: a SyncSlots action when the slots on disk differ from the wanted set, else null. */
    static Action sync(HaInput in) {
        if (!in.config().useSlots() || !in.pg().acceptsConnections()) {
            return null;
        }
        // R59: a standby leader keeps its members' slots as a primary would; they stream from it.
        boolean primary = in.holdsLock() && (in.pg().isPrimary() || (Facts.standby(in) != null && in.pg().isReplica()));
        Set<String> wanted = wanted(in, primary);
        if (in.paused()) {
            wanted.addAll(in.pg().replicationSlots());  // R47: in pause unknown slots are not dropped
        }
        if (wanted.equals(new TreeSet<>(in.pg().replicationSlots()))) {
            return null;
        }
        return new Action.SyncSlots(wanted);
    }

    /**
     * R57 on a replica: advance the permanent logical slots it has and copy those it lacks (see
     * {@link LogicalSlotRules}). Copying needs a leader to read from and is skipped while failsafe
     * is active (Patroni: no copy while the primary only reaches us through failsafe) and in pause.
     */
    static List<Action> logical(HaInput in) {
        List<Action> out = new ArrayList<>();
        if (!in.config().useSlots() || in.holdsLock() || !in.pg().isReplica()) {
            return out;
        }
        LogicalSlotRules.Plan plan = LogicalSlotRules.plan(in.config(), in.selfTags(), in.pg(),
                LogicalSlotRules.leaderSlots(in));
        if (!plan.advance().isEmpty()) {
            out.add(new Action.AdvanceSlots(plan.advance()));
        }
        boolean leaderKnown = in.view() != null && in.view().leader() != null
                && !in.self().equals(in.view().leader().name());
        if (!plan.copy().isEmpty() && leaderKnown && in.failsafeSlots() == null && in.asyncTask() == null) {
            out.add(new Action.CopyLogicalSlots(plan.copy()));
        }
        return out;
    }
}
