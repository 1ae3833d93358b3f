package io.patronijvm.core.ha;

import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.config.PostgresqlConfig;

/**
 * The few local (patroni.yml) settings the decision needs, so the decider does not depend on
 * the whole {@link PatroniConfig}.
 *
 * @param hasBootstrapSection              the file has a {@code bootstrap} section (R15)
 * @param usePgRewind                      effective {@code use_pg_rewind} (local overrides dynamic) (R36)
 * @param removeDataOnRewindFailure        {@code remove_data_directory_on_rewind_failure} (R38)
 * @param removeDataOnDivergedTimelines    {@code remove_data_directory_on_diverged_timelines} (R36, R39)
 * @param cloneWithoutLeader               some create_replica_method has {@code no_leader: true} (R18)
 * @param watchdogMode                     {@code off}, {@code automatic} or {@code required} (R62)
 */
public record LocalSettings(
        boolean hasBootstrapSection,
        boolean usePgRewind,
        boolean removeDataOnRewindFailure,
        boolean removeDataOnDivergedTimelines,
        boolean cloneWithoutLeader,
        String watchdogMode) {

    public static final LocalSettings DEFAULTS = new LocalSettings(true, false, false, false, false, "off");

    public LocalSettings {
        watchdogMode = watchdogMode == null ? "off" : watchdogMode;
    }

    /** Builds the settings from the local and dynamic configuration. */
    public static LocalSettings from(PatroniConfig local, DynamicConfig dynamic) {
        PostgresqlConfig pg = local.postgresql();
        boolean rewind = pg != null && pg.usePgRewind() != null ? pg.usePgRewind() : dynamic.usePgRewind();
        boolean noLeader = false;
        if (pg != null) {
            for (String method : pg.createReplicaMethods()) {
                Object opts = pg.replicaMethodOptions().get(method);
                if (!"basebackup".equals(method) && opts instanceof java.util.Map<?, ?> m
                        && (truthy(m.get("no_leader")) || truthy(m.get("no_master")))) {
                    noLeader = true;
                }
            }
        }
        return new LocalSettings(local.hasBootstrapSection(), rewind,
                pg != null && pg.removeDataDirectoryOnRewindFailure(),
                pg != null && pg.removeDataDirectoryOnDivergedTimelines(), noLeader, local.watchdogMode());
    }

    /** Patroni tests these flags with Python truthiness: the suite's {@code no_leader: '1'} counts. */
    private static boolean truthy(Object v) {
        return io.patronijvm.core.config.ConfigValues.truthy(v);
    }
}
