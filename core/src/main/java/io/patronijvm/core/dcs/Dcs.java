package io.patronijvm.core.dcs;

import io.patronijvm.core.model.ClusterStatus;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Failover;
import io.patronijvm.core.model.HistoryEntry;
import io.patronijvm.core.model.Leader;
import io.patronijvm.core.model.SyncState;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The distributed configuration store as the HA engine sees it: Patroni's keys under
 * {@code <namespace>/<scope>/} (spec section 2), one member's session, one leader lock.
 *
 * <p>Time budget: unless a method says otherwise, every call returns within the configured
 * {@code retry_timeout} (retries included); none blocks forever. Writes report
 * {@link DcsOutcome}: OK, CONFLICT (refused: CAS or lock held by another), SESSION_LOST
 * (definitive loss of our lease) or UNAVAILABLE (unknown). Compare-and-set parameters named
 * {@code expectedVersion} take the key's modify index from the last {@link ClusterView};
 * {@code 0} means "create only", a negative value means "write unconditionally".
 *
 * <p>The leader lock can be lost at any moment without this process noticing (a session
 * expires on the server). Callers track their own lease from the start time of the last
 * successful {@link #updateLeader} and never assume more.
 */
public interface Dcs extends AutoCloseable {

    /** Reads the whole cluster in one request. Throws when the DCS does not answer in time. */
    ClusterView loadCluster() throws DcsUnavailableException;

    /**
     * Races for the right to bootstrap: creates {@code initialize} with an empty value only if
     * it does not exist. OK means we won; CONFLICT means someone else did.
     */
    DcsOutcome raceInitialize();

    /** Writes our system identifier into {@code initialize} (unconditionally). */
    DcsOutcome writeInitialize(String sysid);

    /** Deletes {@code initialize} after a failed bootstrap. */
    DcsOutcome cancelInitialize();

    /**
     * Takes the leader lock with our session (creating or renewing the session first).
     * OK: we hold it now. CONFLICT: another session holds it. SESSION_LOST/UNAVAILABLE as usual.
     */
    DcsOutcome acquireLeader();

    /**
     * Proves we still hold the lock: forces a session renewal, and if the leader key is not
     * bound to our session re-takes it. {@code observed} is the leader key from this cycle's
     * view (may be null). OK means the lease was extended from the moment the call started.
     */
    DcsOutcome updateLeader(Leader observed);

    /** Deletes the leader key if it is still ours ({@code cas} on its modify index). */
    DcsOutcome releaseLeader(Leader observed);

    /** Writes {@code members/<name>} bound to our session; the value is the member JSON object. */
    DcsOutcome touchMember(Map<String, Object> memberData);

    /** Deletes our member key (shutdown). */
    DcsOutcome deleteMember();

    /** Writes {@code config} (the dynamic configuration as a JSON object), CAS on expectedVersion. */
    DcsOutcome writeConfig(Map<String, Object> config, long expectedVersion);

    /** Writes {@code failover}; a null or empty failover writes {@code {}} (clears it). */
    DcsOutcome writeFailover(Failover failover, long expectedVersion);

    /** Writes {@code sync} with CAS and confirms it with a consistent read. */
    DcsOutcome writeSync(SyncState sync, long expectedVersion);

    /** Deletes {@code sync} (CAS when expectedVersion >= 0). */
    DcsOutcome deleteSync(long expectedVersion);

    /** Writes {@code status}. */
    DcsOutcome writeStatus(ClusterStatus status);

    /** Writes {@code history}. */
    DcsOutcome writeHistory(List<HistoryEntry> history);

    /** Writes {@code failsafe}. */
    DcsOutcome writeFailsafe(Map<String, String> failsafe);

    /** Deletes the whole cluster ({@code patronictl remove}). */
    DcsOutcome deleteCluster();

    /**
     * Blocks until the leader key changes from {@code knownIndex} or {@code wait} passes,
     * whichever comes first. Returns true when it changed (or may have), false on a quiet
     * timeout. Never blocks longer than {@code wait} plus a small margin.
     */
    boolean watchLeader(long knownIndex, Duration wait) throws InterruptedException;

    /**
     * {@link #watchLeader(long, Duration)} that also returns (false, or true when the key changed)
     * promptly after {@code cancel} fires. Stores whose watch blocks must honour it: the HA loop
     * watches for the whole rest of loop_wait and relies on it to see requests. The default, for
     * stores whose watch never blocks, ignores it.
     */
    default boolean watchLeader(long knownIndex, Duration wait, WatchCancel cancel) throws InterruptedException {
        return watchLeader(knownIndex, wait);
    }

    /** Registers or updates the node's service (only when enabled in the configuration). */
    DcsOutcome registerService(ServiceRegistration registration);

    /** Removes the node's service. */
    DcsOutcome deregisterService();

    /**
     * A node about to start its loop: create now what its first write needs (Consul: the session,
     * etcd: the lease), so that the first member key does not wait for that round trip. Optional:
     * every write still creates what is missing; a failure here is the next write's to report.
     */
    default DcsOutcome prepareWrites() {
        return DcsOutcome.OK;
    }

    /** Replaces the timing the DCS derives its session TTL and request timeouts from. */
    void applyTiming(int ttlSeconds, int retryTimeoutSeconds);

    /**
     * Frees resources. The session (Consul) or lease (etcd) is left to expire by its TTL, as Patroni
     * leaves it: the member key outlives a clean restart. Idempotent.
     */
    @Override
    void close();
}
