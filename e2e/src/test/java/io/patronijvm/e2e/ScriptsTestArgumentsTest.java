package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12: {@code scripts/test -pl X} without {@code -am} would build X alone from a fresh copy,
 * take its dependencies from ~/.m2 (stale or missing), find no agent.jar and skip every cluster
 * test; the script refuses it before it installs or builds anything.
 */
class ScriptsTestArgumentsTest {

    @ParameterizedTest
    @ValueSource(strings = {"-pl e2e", "-pl=e2e", "--projects agent"})
    void aModuleWithoutAlsoMakeIsRefusedBeforeAnythingRuns(String projects) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(E2eEnv.load().repoRoot().resolve("scripts/test").toString());
        cmd.addAll(List.of(projects.split(" ")));
        cmd.add("-Dtest=NoSuchTest");
        Exec.Result r = Exec.run(cmd, Map.of(), Duration.ofSeconds(30));
        String module = projects.substring(projects.lastIndexOf(projects.contains("=") ? '=' : ' ') + 1);
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("scripts/test -pl " + module + " needs -am");
    }
}
