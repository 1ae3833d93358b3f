package io.patronijvm.testkit.junit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, "a CI run with a missing component fails": the same real-component test, run in a
 * JVM of its own, fails under CI=true naming the test and what was missing, and is only skipped
 * (saying why) outside CI. The child's environment is set here, whatever this JVM runs under.
 */
class NoSkipsInCiTest {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    private static List<IsolatedRun.Outcome> run(Map<String, String> env) throws Exception {
        return IsolatedRun.run(NeedsAMissingPostgres.class, env, Path.of("").toAbsolutePath(), LIMIT);
    }

    private static IsolatedRun.Outcome theTest(List<IsolatedRun.Outcome> all) {
        return all.stream().filter(o -> o.test().contains("[method:startsPostgres()]")).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome for startsPostgres in " + all));
    }

    private static Map<String, String> outsideCi() {
        Map<String, String> env = new HashMap<>();
        env.put("CI", null);
        env.put("PATRONI_JVM_BUILD_ROOT", null);
        return env;
    }

    @Test
    void underCiAMissingComponentFailsNamingTheTestAndWhatIsMissing() throws Exception {
        Map<String, String> env = outsideCi();
        env.put("CI", "true");
        IsolatedRun.Outcome o = theTest(run(env));
        assertThat(o.status()).as(o.toString()).isEqualTo("FAILED");
        assertThat(o.message()).contains("NeedsAMissingPostgres").contains("startsPostgres")
                .contains("would be skipped in CI").contains("no PostgreSQL at " + NeedsAMissingPostgres.MISSING);
    }

    @Test
    void underScriptsTestAMissingComponentFailsToo() throws Exception {
        Map<String, String> env = outsideCi();
        env.put("PATRONI_JVM_BUILD_ROOT", Path.of("").toAbsolutePath().toString());
        IsolatedRun.Outcome o = theTest(run(env));
        assertThat(o.status()).as(o.toString()).isEqualTo("FAILED");
        assertThat(o.message()).contains("startsPostgres").contains("no PostgreSQL at");
    }

    @Test
    void byHandTheSameTestIsSkippedSayingWhy() throws Exception {
        IsolatedRun.Outcome o = theTest(run(outsideCi()));
        assertThat(o.status()).as(o.toString()).isEqualTo("ABORTED");
        assertThat(o.message()).isEqualTo("Assumption failed: no PostgreSQL at " + NeedsAMissingPostgres.MISSING);
    }
}
