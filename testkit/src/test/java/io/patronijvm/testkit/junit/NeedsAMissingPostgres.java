package io.patronijvm.testkit.junit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A fixture, not a test of its own (surefire does not pick the name up): a real-component test
 * whose component is missing, in the way the project's tests check for one. {@link NoSkipsInCiTest}
 * runs it in a JVM of its own.
 */
class NeedsAMissingPostgres {

    static final Path MISSING = Path.of("/nonexistent/patroni-jvm/bin/postgres");

    @Test
    void startsPostgres() {
        assumeTrue(Files.isExecutable(MISSING), "no PostgreSQL at " + MISSING);
    }
}
