package io.patronijvm.core.ha;

import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.Member;
import io.patronijvm.core.peer.PeerStatus;

import java.util.List;

/**
 * Who may take over as primary (docs/rules.md, "Failover candidates"; style guideline 20: one
 * rule, one place). The leader race (R23.11), the leader's manual-failover check (R30), the
 * switchover hand-over (R32, R63) and the REST API's 412 answers (spec 1.6) all ask here, so they
 * cannot disagree about a member.
 *
 * <p>Two stages, as in Patroni: first a member's key decides whether it is worth asking at all
 * ({@link #mayTakeOver}, {@link #candidates}); then its live answer decides whether it is good
 * ({@link #good}).
 */
public final class FailoverEligibility {

    private FailoverEligibility() {
    }

    /** Another member with a REST API: someone whose status can be asked. */
    public static boolean askable(Member m, String self) {
        return !m.name().equals(self) && m.api().isPresent();
    }

    /** By its member key, {@code m} may take over from {@code self}: askable and not tagged nofailover. */
    public static boolean mayTakeOver(Member m, String self) {
        return askable(m, self) && !m.tags().noFailover();
    }

    /**
     * Synchronous mode is in force: switched on in the dynamic configuration and {@code /sync}
     * names a leader (R23.10). Before the first {@code /sync} write there is nothing to restrict to.
     */
    public static boolean syncModeActive(ClusterView v, boolean synchronousMode) {
        return synchronousMode && v != null && v.sync() != null && v.sync().leader() != null
                && !v.sync().leader().isBlank();
    }

    /**
     * In synchronous mode only {@code /sync} members may take over, except in a failover (a
     * {@code failover} key without a leader: the operator accepts possible loss).
     */
    public static boolean restrictedToSync(ClusterView v, boolean synchronousMode, Failover f) {
        return syncModeActive(v, synchronousMode) && (f == null || f.hasLeader());
    }

    /**
     * Patroni's {@code get_failover_candidates}: the members of {@code v} that may take over from
     * {@code self}, in view order. With a named candidate in {@code f}, only that candidate.
     */
    public static List<Member> candidates(ClusterView v, String self, boolean synchronousMode, Failover f) {
        boolean syncOnly = restrictedToSync(v, synchronousMode, f);
        String named = f != null && f.hasCandidate() ? f.candidate() : null;
        return v.members().stream()
                .filter(m -> mayTakeOver(m, self))
                .filter(m -> !syncOnly || v.sync().matches(m.name()))
                .filter(m -> named == null || m.name().equals(named))
                .toList();
    }

    /** A probed peer is a good candidate: it answered, and says neither nofailover nor watchdog_failed. */
    public static boolean good(PeerStatus st) {
        return st != null && st.reachable() && !st.noFailover() && !st.watchdogFailed();
    }
}
