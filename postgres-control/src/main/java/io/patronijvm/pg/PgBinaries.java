package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where PostgreSQL's programs are: {@code postgresql.bin_dir}, else env {@code PATRONI_JVM_PG_BIN},
 * else the newest {@code /usr/lib/postgresql/<major>/bin}. Never a hard-coded version.
 */
public final class PgBinaries {

    public static final String ENV_BIN = "PATRONI_JVM_PG_BIN";
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private final Path binDir;
    private final Map<String, String> binNames;

    private PgBinaries(Path binDir, Map<String, String> binNames) {
        this.binDir = binDir;
        this.binNames = binNames;
    }

    /** Resolves and validates the directory; the error names the path tried and where it came from. */
    public static PgBinaries locate(Path configured, Map<String, String> binNames) throws PgException {
        String source;
        Path dir;
        if (configured != null) {
            dir = configured;
            source = "postgresql.bin_dir";
        } else if (System.getenv(ENV_BIN) != null && !System.getenv(ENV_BIN).isBlank()) {
            dir = Path.of(System.getenv(ENV_BIN));
            source = "environment variable " + ENV_BIN;
        } else {
            dir = newestDebianBinDir().orElseThrow(() -> new PgException(
                    "no PostgreSQL binaries found: set postgresql.bin_dir or " + ENV_BIN
                            + " (nothing under " + DEBIAN_ROOT + "/*/bin)"));
            source = "newest " + DEBIAN_ROOT + "/*/bin";
        }
        PgBinaries b = new PgBinaries(dir, binNames == null ? Map.of() : binNames);
        Path postgres = b.path("postgres");
        if (!Files.isDirectory(dir)) {
            throw new PgException("bin_dir " + dir + " (from " + source + ") is not a directory");
        }
        if (!Files.isExecutable(postgres)) {
            throw new PgException("bin_dir " + dir + " (from " + source + ") has no executable " + postgres.getFileName());
        }
        return b;
    }

    static Optional<Path> newestDebianBinDir() {
        if (!Files.isDirectory(DEBIAN_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(DEBIAN_ROOT)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/postgres")))
                    .max(Comparator.comparingDouble(p -> Double.parseDouble(p.getFileName().toString())))
                    .map(p -> p.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Path dir() {
        return binDir;
    }

    /** Full path of a program, honouring {@code postgresql.bin_name} overrides. */
    public String get(String program) {
        return path(program).toString();
    }

    private Path path(String program) {
        return binDir.resolve(binNames.getOrDefault(program, program));
    }
}
