package io.patronijvm.e2e;

import io.patronijvm.testkit.junit.IsolatedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, "a CI run with a missing component fails", for the cluster tests: a cluster test
 * class run (in a JVM of its own) from a checkout without agent/target/agent.jar fails under
 * CI=true naming the class and what is missing, and is skipped saying why by hand.
 */
class AgentAvailableTest {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path checkout;

    private IsolatedRun.Outcome classOutcome(Map<String, String> env) throws Exception {
        Path module = Files.createDirectories(checkout.resolve("e2e"));
        List<IsolatedRun.Outcome> all = IsolatedRun.run(NeedsTheAgent.class, env, module, LIMIT);
        return all.stream().filter(o -> o.test().endsWith("[class:" + NeedsTheAgent.class.getName() + "]"))
                .findFirst().orElseThrow(() -> new AssertionError("no outcome for the class in " + all));
    }

    private static Map<String, String> outsideCi() {
        Map<String, String> env = new HashMap<>();
        env.put("CI", null);
        env.put("PATRONI_JVM_BUILD_ROOT", null);
        env.put("E2E_AGENT", "jvm");
        return env;
    }

    /** What the guard must name: root is refused first, else the missing jar. */
    private String missing() {
        return E2eEnv.runningAsRoot() ? "run as an unprivileged user"
                : "no " + checkout.resolve("agent/target/agent.jar");
    }

    @Test
    void underCiAClusterTestWithoutTheAgentFailsNamingTheClassAndWhatIsMissing() throws Exception {
        Map<String, String> env = outsideCi();
        env.put("CI", "true");
        IsolatedRun.Outcome o = classOutcome(env);
        assertThat(o.status()).as(o.toString()).isEqualTo("FAILED");
        assertThat(o.message()).contains("NeedsTheAgent would be skipped in CI, which must not pass on skips")
                .contains(missing());
    }

    @Test
    void byHandItIsSkippedSayingWhy() throws Exception {
        IsolatedRun.Outcome o = classOutcome(outsideCi());
        assertThat(o.status()).as(o.toString()).isEqualTo("SKIPPED");
        assertThat(o.message()).contains(missing());
    }
}
