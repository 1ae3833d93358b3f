package io.patronijvm.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fixture, not a test of its own (surefire does not pick the name up): a cluster test class
 * guarded as every one is ({@link ClusterTestBase}), for {@link AgentAvailableTest} to run in a
 * checkout without an agent.jar.
 */
@ExtendWith(AgentAvailable.class)
class NeedsTheAgent {

    @Test
    void runsACluster() {
        // Reached only when the agent can run; the guard is what is under test.
    }
}
