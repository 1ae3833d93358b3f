package io.patronijvm.pg;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.pg.DataDirState;
import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.PgRunState;
import io.patronijvm.core.time.MonotonicClock;
import io.patronijvm.core.time.Sleeper;
import io.patronijvm.pg.process.ProcessRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the parts of {@link LocalPostgres} share: configuration, paths, the process runner, the
 * binaries (found lazily, so a wrong bin_dir is reported by the operation that needs it) and the
 * activity the node is busy with (reported as the run state while no postmaster is up).
 */
final class PgContext {

    /** Tools that read local files only: fast. */
    static final Duration SHORT_TOOL_TIMEOUT = Duration.ofSeconds(30);
    /** initdb, pg_basebackup, pg_rewind, crash recovery: bounded, and cancellable by interrupt (style 10). */
    static final Duration LONG_TOOL_TIMEOUT = Duration.ofHours(12);

    /** The local postgresql section; replaced by a reload (R65), paths stay as started. */
    volatile PostgresqlConfig pg;
    final BootstrapConfig bootstrap;
    final String scope;
    final String name;
    final PgPaths paths;
    final MonotonicClock clock;
    final Sleeper sleeper;
    final ProcessRunner runner = new ProcessRunner();
    private volatile PgBinaries binaries;
    volatile PgRunState activity;

    PgContext(PostgresqlConfig pg, BootstrapConfig bootstrap, String scope, String name, MonotonicClock clock,
              Sleeper sleeper, DynamicConfig dynamic) {
        this.pg = pg;
        this.dynamic = dynamic == null ? DynamicConfig.defaults() : dynamic;
        this.bootstrap = bootstrap == null ? BootstrapConfig.NONE : bootstrap;
        this.scope = scope;
        this.name = name;
        this.paths = PgPaths.of(pg);
        this.clock = clock;
        this.sleeper = sleeper;
    }

    PgBinaries bin() throws PgException {
        PgBinaries b = binaries;
        if (b == null) {
            b = PgBinaries.locate(pg.binDir(), pg.binNames());
            binaries = b;
        }
        return b;
    }

    /**
     * Extra environment for every tool: our pgpass file. The locale stays the agent's, because
     * initdb takes the new cluster's default locale from it as it does under Patroni.
     */
    Map<String, String> toolEnv() {
        return Map.of("PGPASSFILE", paths.pgpass().toString());
    }

    /** Host for our own SQL connections: the first listen address, loopback for a wildcard. */
    String localHost() {
        String first = pg.listenAddresses() == null ? "" : pg.listenAddresses().split(",")[0].trim();
        return switch (first) {
            case "", "*", "0.0.0.0" -> "127.0.0.1";
            case "::" -> "::1";
            default -> first;
        };
    }

    /** Replaced (never mutated) when the dynamic configuration changes. */
    volatile DynamicConfig dynamic;

    DynamicConfig dyn() {
        return dynamic;
    }

    boolean usePgRewind() {
        return pg.usePgRewind() != null ? pg.usePgRewind() : dyn().usePgRewind();
    }

    /** EMPTY / VALID / INVALID without starting PostgreSQL. */
    DataDirState dataDirState() {
        Path d = paths.dataDir();
        if (!Files.exists(d)) {
            return DataDirState.EMPTY;
        }
        if (!Files.isDirectory(d) || !Files.isReadable(d)) {
            return DataDirState.INVALID;
        }
        try (Stream<Path> s = Files.list(d)) {
            if (s.findAny().isEmpty()) {
                return DataDirState.EMPTY;
            }
        } catch (IOException e) {
            return DataDirState.INVALID;
        }
        return Files.isRegularFile(d.resolve("PG_VERSION")) && Files.isRegularFile(d.resolve("global/pg_control"))
                ? DataDirState.VALID : DataDirState.INVALID;
    }

    /** Major version from PG_VERSION (e.g. 15), or 0. */
    int majorVersion() {
        try {
            return Integer.parseInt(Files.readString(paths.dataDir().resolve("PG_VERSION")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** A few entries of a directory for an error message. */
    static String sample(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.limit(5).forEach(p -> names.add(p.getFileName().toString()));
            return names.toString();
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
