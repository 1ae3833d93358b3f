package io.patronijvm.pg;

import io.patronijvm.core.config.PostgresqlConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every file the agent reads or writes around one PostgreSQL instance, derived once from the
 * {@code postgresql:} section.
 */
public record PgPaths(Path dataDir, Path configDir, String baseName, Path pgpass, Path postmasterLog) {

    public static PgPaths of(PostgresqlConfig c) {
        Path data = c.dataDir().toAbsolutePath().normalize();
        Path config = c.configDir().toAbsolutePath().normalize();
        String leaf = data.getFileName() == null ? "pgdata" : data.getFileName().toString();
        // Outside the data directory: pg_basebackup wants an empty target, and the file must
        // exist before the clone that needs it.
        Path pgpass = c.pgpass() != null ? c.pgpass().toAbsolutePath() : data.resolveSibling("." + leaf + ".pgpass");
        // Outside the data directory too, so pg_basebackup / pg_rewind never copy one node's log to another.
        Path parent = data.getParent();
        Path log = parent != null && Files.isWritable(parent) ? data.resolveSibling(leaf + ".postmaster.log")
                : data.resolve("postmaster.log");
        return new PgPaths(data, config, c.configBaseName(), pgpass, log);
    }

    /**
     * Whether both name the same instance (data directory, config directory and file name): the
     * postmaster log's place depends on whether the data directory's parent existed when the
     * paths were computed, so it is no part of a reload's "did the instance move" question.
     */
    public boolean sameInstance(PgPaths other) {
        return dataDir.equals(other.dataDir) && configDir.equals(other.configDir) && baseName.equals(other.baseName);
    }

    public Path conf() {
        return configDir.resolve(baseName + ".conf");
    }

    public Path baseConf() {
        return configDir.resolve(baseName + ".base.conf");
    }

    public Path hba() {
        return configDir.resolve("pg_hba.conf");
    }

    public Path ident() {
        return configDir.resolve("pg_ident.conf");
    }

    public Path autoConf() {
        return dataDir.resolve("postgresql.auto.conf");
    }

    public Path standbySignal() {
        return dataDir.resolve("standby.signal");
    }

    public Path recoverySignal() {
        return dataDir.resolve("recovery.signal");
    }
}
