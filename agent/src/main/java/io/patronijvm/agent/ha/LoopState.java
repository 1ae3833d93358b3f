package io.patronijvm.agent.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.ha.Memory;
import io.patronijvm.core.ha.RoleTransitions;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.UnaryOperator;

/**
 * What the loop carries between cycles, shared with the async slot and the lease timer, so
 * every field is read and written under this object's monitor.
 */
public final class LoopState {

    private static final Logger log = LoggerFactory.getLogger(LoopState.class);

    private Memory memory = Memory.INITIAL;
    private ClusterView lastView;
    private DynamicConfig config = DynamicConfig.defaults();
    private boolean leaseLapsed;
    private long lastPromoteLsn = -1;
    private boolean failsafeActive;
    private boolean steppingDown;
    private FailsafeLeader failsafeLeader;
    private boolean acquiring;
    private boolean dcsWriteTimedOut;
    private RoleListener roleListener = (from, to, why) -> { };

    /** Told of every published role change (the event log); called under this object's monitor. */
    public interface RoleListener {
        void changed(Role from, Role to, String why);
    }

    public synchronized void onRoleChange(RoleListener listener) {
        roleListener = listener;
    }

    /** Our tags: patroni.yml's, replaced by a reload (Patroni re-reads them on reload too); null before the loop sets them. */
    private io.patronijvm.core.model.Tags tags;

    public synchronized io.patronijvm.core.model.Tags tags() {
        return tags == null ? io.patronijvm.core.model.Tags.NONE : tags;
    }

    public synchronized void tags(io.patronijvm.core.model.Tags t) {
        tags = t;
    }

    /** The last write of the previous cycle got no answer from the DCS within retry_timeout. */
    public synchronized void dcsWriteTimedOut(boolean b) {
        dcsWriteTimedOut = b;
    }

    /** Returns and clears {@link #dcsWriteTimedOut(boolean)}. */
    public synchronized boolean takeDcsWriteTimedOut() {
        boolean b = dcsWriteTimedOut;
        dcsWriteTimedOut = false;
        return b;
    }

    public synchronized Memory memory() {
        return memory;
    }

    public synchronized void updateMemory(UnaryOperator<Memory> f) {
        memory = f.apply(memory);
    }

    /** Publishes a new role through the transition table (style guideline 11). */
    public synchronized void setRole(Role to) {
        Role from = memory.role();
        if (from == to) {
            return;
        }
        var row = RoleTransitions.find(from, to);
        String why;
        if (row.isPresent()) {
            why = row.get().why();
            log.info("role {} -> {}: {}", from.wire(), to.wire(), why);
        } else {
            why = "not in RoleTransitions";
            log.error("role transition {} -> {} is not in RoleTransitions; publishing it anyway", from.wire(),
                    to.wire());
        }
        memory = memory.withRole(to);
        roleListener.changed(from, to, why);
    }

    public synchronized ClusterView lastView() {
        return lastView;
    }

    /**
     * The view read in this cycle. A view with a leader also becomes the race's memory of who is
     * in the cluster (Patroni's {@code old_cluster}, R23.11), which outlives expired member keys.
     */
    public synchronized void lastView(ClusterView v) {
        lastView = v;
        if (v != null && v.isLocked()) {
            memory = memory.withLastLockedMembers(v.members());
        }
    }

    public synchronized DynamicConfig config() {
        return config;
    }

    public synchronized void config(DynamicConfig c) {
        config = c;
    }

    /** Set by the lease timer; consumed by the next cycle (which then passes LEASE_EXPIRED). */
    public synchronized void markLeaseLapsed() {
        leaseLapsed = true;
    }

    public synchronized boolean takeLeaseLapsed() {
        boolean l = leaseLapsed;
        leaseLapsed = false;
        return l;
    }

    public synchronized long lastPromoteLsn() {
        return lastPromoteLsn;
    }

    public synchronized void lastPromoteLsn(long lsn) {
        lastPromoteLsn = lsn;
    }

    /**
     * A demotion or shutdown stop is under way (decision 3, "never two healthy primaries"): from
     * its first step the node no longer claims the lease to clients, although the loop keeps
     * renewing the key until the hand-over. Set and cleared by the long action.
     */
    public synchronized boolean steppingDown() {
        return steppingDown;
    }

    public synchronized void steppingDown(boolean on) {
        steppingDown = on;
    }

    /** R40: failsafe kept this primary running in the current cycle (status JSON, metrics). */
    public synchronized boolean failsafeActive() {
        return failsafeActive;
    }

    public synchronized void failsafeActive(boolean active) {
        failsafeActive = active;
    }

    /** R42: caches the primary that announced failsafe to us (tests; the REST thread offers). */
    synchronized void failsafeLeader(FailsafeLeader leader) {
        failsafeLeader = leader;
    }

    /**
     * R42, {@code POST /failsafe} (REST thread): caches {@code leader} unless this node is taking
     * the leader key now or believes it holds it ({@code holdsKey}, read under this monitor). With
     * {@link #beginAcquire} that makes promise and race exclusive: the primary counts the promise
     * from before it asked, so a promise given while our own acquire is under way would let two
     * primaries run (chaos, 50% loss on the primary's links: 669 ms).
     */
    synchronized boolean offerFailsafeLeader(FailsafeLeader leader, java.util.function.BooleanSupplier holdsKey) {
        if (acquiring || holdsKey.getAsBoolean()) {
            return false;
        }
        failsafeLeader = leader;
        return true;
    }

    /**
     * Before the leader race's acquire: false when a fresh failsafe promise to another primary
     * stands (it may have come after this cycle read the view); else the acquire is under way
     * until {@link #endAcquire}, and no promise is given meanwhile.
     */
    synchronized boolean beginAcquire(String self, long nowNanos) {
        FailsafeLeader f = config.failsafeMode() ? failsafeLeader(nowNanos) : null;
        if (f != null && !f.name().equals(self)) {
            return false;
        }
        acquiring = true;
        return true;
    }

    /** The acquire finished; when it won, the lease it recorded refuses promises from now on. */
    synchronized void endAcquire() {
        acquiring = false;
    }

    /** R42: the cached failsafe primary while it is fresh, else null. */
    synchronized FailsafeLeader failsafeLeader(long nowNanos) {
        return failsafeLeader != null && failsafeLeader.fresh(nowNanos) ? failsafeLeader : null;
    }
}
