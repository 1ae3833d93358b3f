package io.patronijvm.core.status;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.model.Tags;
import io.patronijvm.core.pg.LocalPgState;

import java.time.Instant;
import java.util.Map;

/**
 * What the HA loop publishes after each cycle (and the lease timer after a self-fence): the
 * only thing the REST API reads. Immutable; a newer snapshot replaces it atomically.
 *
 * <p>Lease rule (spec decision 3): this node may answer "healthy primary" only while
 * {@code clock.nanoTime() < leaseValidUntilNanos}. That value is the start of the last
 * successful leader-key update plus the provable lease; it is {@link Long#MIN_VALUE} when the
 * node does not hold the lock.
 *
 * @param scope                 cluster name
 * @param name                  member name
 * @param patroniVersion        protocol level we implement ({@code 3.3.1})
 * @param implementation        {@code patroni-jvm <version>}
 * @param role                  internal role (what {@code GET /patroni} reports)
 * @param pg                    the last observation of PostgreSQL
 * @param leaseValidUntilNanos  monotonic end of the provable lease, or Long.MIN_VALUE
 * @param cluster               the last cluster view read from the DCS, or null when none yet
 * @param clusterReadAtNanos    monotonic time of that read (freshness of the DCS view)
 * @param dcsLastSeen           wall time of the last successful DCS read, or null
 * @param config                the dynamic configuration in force
 * @param tags                  effective tags
 * @param paused                cluster is in maintenance mode
 * @param failsafeActive        failsafe mode kept the primary running
 * @param watchdogFailed        watchdog required but unusable
 * @param lastMessage           the last cycle's one-line message
 * @param cycle                 cycle number
 * @param nextRunNanos          monotonic time the next cycle is due (liveness)
 * @param scheduledRestart      scheduled restart request as shown by the API, or null
 * @param publishedAtNanos      monotonic time of publication
 */
public record StatusSnapshot(
        String scope,
        String name,
        String patroniVersion,
        String implementation,
        Role role,
        LocalPgState pg,
        long leaseValidUntilNanos,
        ClusterView cluster,
        long clusterReadAtNanos,
        Instant dcsLastSeen,
        DynamicConfig config,
        Tags tags,
        boolean paused,
        boolean failsafeActive,
        boolean watchdogFailed,
        String lastMessage,
        long cycle,
        long nextRunNanos,
        Map<String, Object> scheduledRestart,
        long publishedAtNanos) {

    /** Whether this node may call itself the lock holder at monotonic time {@code nowNanos}. */
    public boolean holdsLease(long nowNanos) {
        return leaseValidUntilNanos != Long.MIN_VALUE && nowNanos - leaseValidUntilNanos < 0;
    }

    /** Whether the cluster view is recent enough to count as "a DCS view" (younger than ttl). */
    public boolean hasFreshDcsView(long nowNanos) {
        return cluster != null && nowNanos - clusterReadAtNanos < config.ttlDuration().toNanos();
    }
}
