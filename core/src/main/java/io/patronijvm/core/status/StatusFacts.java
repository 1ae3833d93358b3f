package io.patronijvm.core.status;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.model.ClusterView;
import io.patronijvm.core.model.Role;
import io.patronijvm.core.pg.LocalPgState;
import io.patronijvm.core.pg.PgRunState;

import java.util.Map;

/**
 * What the status JSON (spec 1.3) and the health decision ({@link HealthCheck}) read from a
 * snapshot, computed once per request. In core so that the REST API and the simulator, which
 * checks what the health endpoints would answer, evaluate exactly the same rules.
 *
 * @param state            Patroni's {@code state} ({@code running}, {@code stopped}, ...)
 * @param role             Patroni's {@code role} on the wire
 * @param replayedLocation a running replica's replay position, else 0
 * @param syncStandby      a replica named in {@code /sync} while synchronous_mode is on
 * @param freshView        the snapshot holds a DCS view younger than ttl
 */
public record StatusFacts(String state, String role, long replayedLocation, boolean syncStandby, boolean freshView) {

    public static StatusFacts of(StatusSnapshot s, long nowNanos) {
        LocalPgState pg = s.pg();
        boolean fresh = s.cluster() != null && s.config() != null && s.hasFreshDcsView(nowNanos);
        String role = role(s);
        long replayed = pg != null && pg.acceptsConnections() && pg.inRecovery() ? Math.max(pg.replayedLsn(), 0) : 0;
        boolean sync = "replica".equals(role) && fresh && isSyncStandby(s);
        return new StatusFacts(state(s), role, replayed, sync, fresh);
    }

    /** Patroni's view of PostgreSQL; {@code unknown} when running but the observation query failed. */
    public static String state(StatusSnapshot s) {
        LocalPgState pg = s.pg();
        if (pg == null || pg.runState() == null) {
            return PgRunState.UNKNOWN.wire();
        }
        if (pg.runState() == PgRunState.RUNNING && !pg.acceptsConnections()) {
            return PgRunState.UNKNOWN.wire();
        }
        return pg.runState().wire();
    }

    /** From pg_is_in_recovery() when the query worked, else the internal role (spec 1.3). */
    public static String role(StatusSnapshot s) {
        LocalPgState pg = s.pg();
        Role internal = s.role() == null ? Role.UNINITIALIZED : s.role();
        if (pg != null && pg.acceptsConnections()) {
            if (!pg.inRecovery()) {
                return Role.PRIMARY.wire();
            }
            return internal == Role.STANDBY_LEADER && isStandbyCluster(s.config())
                    ? Role.STANDBY_LEADER.wire() : Role.REPLICA.wire();
        }
        return internal.wire();
    }

    public static boolean isStandbyCluster(DynamicConfig config) {
        Map<String, Object> sc = config == null ? null : config.standbyCluster();
        return sc != null && (sc.get("host") != null || sc.get("port") != null || sc.get("restore_command") != null);
    }

    private static boolean isSyncStandby(StatusSnapshot s) {
        ClusterView view = s.cluster();
        return s.config().synchronousMode() && view.sync() != null && view.sync().isSyncStandby(s.name());
    }
}
