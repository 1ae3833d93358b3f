package io.patronijvm.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The local {@code postgresql:} section (spec 4.2).
 *
 * @param listenAddresses  {@code listen_addresses} from {@code listen} (comma-joined hosts)
 * @param port             {@code port} from {@code listen}
 * @param connectAddress   {@code host:port} other nodes use; becomes {@code conn_url}
 * @param proxyAddress     or null
 * @param dataDir          absolute data directory
 * @param configDir        where our config files go (default: dataDir)
 * @param binDir           directory with the PostgreSQL binaries, or null (found at run time)
 * @param binNames         overrides of binary names ({@code pg_ctl} → {@code pg_ctl15} ...)
 * @param pgpass           path of the pgpass file we write
 * @param unixSocketDir    {@code unix_socket_directories} when set in parameters, else null
 * @param useUnixSocket    connect locally over the unix socket
 * @param useUnixSocketRepl replication connections over the unix socket
 * @param superuser        superuser credentials
 * @param replication      replication user credentials
 * @param rewind           rewind user credentials (null: use the superuser)
 * @param parameters       local GUCs (override the dynamic ones except cmdline GUCs)
 * @param pgHba            lines for pg_hba.conf (empty: keep the file), replaces the file
 * @param pgIdent          lines for pg_ident.conf
 * @param callbacks        callback scripts
 * @param createReplicaMethods clone methods in order (default {@code [basebackup]})
 * @param replicaMethodOptions per method: options ({@code basebackup: [{max-rate: 100M}, verbose]} or a map)
 * @param recoveryConf     extra recovery parameters
 * @param customConf       replaces postgresql.base.conf, or null
 * @param pgCtlTimeout     start/stop wait, default 60 s
 * @param usePgRewind      local override of the dynamic {@code use_pg_rewind}, or null
 * @param rewindOptions    extra pg_rewind options
 * @param removeDataDirectoryOnRewindFailure may wipe and re-clone after a failed rewind
 * @param removeDataDirectoryOnDivergedTimelines may wipe and re-clone on divergence
 * @param configBaseName   default {@code postgresql}
 */
public record PostgresqlConfig(
        String listenAddresses,
        int port,
        String connectAddress,
        String proxyAddress,
        Path dataDir,
        Path configDir,
        Path binDir,
        Map<String, String> binNames,
        Path pgpass,
        String unixSocketDir,
        boolean useUnixSocket,
        boolean useUnixSocketRepl,
        Credentials superuser,
        Credentials replication,
        Credentials rewind,
        Map<String, Object> parameters,
        List<String> pgHba,
        List<String> pgIdent,
        CallbacksConfig callbacks,
        List<String> createReplicaMethods,
        Map<String, Object> replicaMethodOptions,
        Map<String, Object> recoveryConf,
        String customConf,
        Duration pgCtlTimeout,
        Boolean usePgRewind,
        Map<String, Object> rewindOptions,
        boolean removeDataDirectoryOnRewindFailure,
        boolean removeDataDirectoryOnDivergedTimelines,
        String configBaseName) {

    public PostgresqlConfig {
        configDir = configDir == null ? dataDir : configDir;
        binNames = binNames == null ? Map.of() : Map.copyOf(binNames);
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        pgHba = pgHba == null ? List.of() : List.copyOf(pgHba);
        pgIdent = pgIdent == null ? List.of() : List.copyOf(pgIdent);
        callbacks = callbacks == null ? CallbacksConfig.NONE : callbacks;
        createReplicaMethods = createReplicaMethods == null || createReplicaMethods.isEmpty()
                ? List.of("basebackup") : List.copyOf(createReplicaMethods);
        replicaMethodOptions = replicaMethodOptions == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(replicaMethodOptions));
        recoveryConf = recoveryConf == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(recoveryConf));
        rewindOptions = rewindOptions == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rewindOptions));
        pgCtlTimeout = pgCtlTimeout == null ? Duration.ofSeconds(60) : pgCtlTimeout;
        configBaseName = configBaseName == null ? "postgresql" : configBaseName;
    }

    /** The rewind user, falling back to the superuser as Patroni does. */
    public Credentials rewindOrSuperuser() {
        return rewind != null ? rewind : superuser;
    }

    /** The member's {@code conn_url}. */
    public String connUrl() {
        return "postgres://" + connectAddress + "/postgres";
    }
}
