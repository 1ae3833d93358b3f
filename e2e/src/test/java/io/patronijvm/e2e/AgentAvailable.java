package io.patronijvm.e2e;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a cluster test class, with the reason shown in the report, when the agent under test
 * cannot run here (our agent as root, no agent.jar, no patronictl).
 */
final class AgentAvailable implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        E2eEnv env = E2eEnv.load();
        OursOnly ours = context.getRequiredTestClass().getAnnotation(OursOnly.class);
        if (ours != null && env.agent() == E2eEnv.Agent.PATRONI) {
            return ConditionEvaluationResult.disabled("runs with our agent only: " + ours.value());
        }
        String why = env.unavailableReason();
        if (why != null && io.patronijvm.testkit.junit.NoSkipsInCi.strict()) {
            // CI must not pass on skips (NoSkipsInCi): a cluster test that cannot run fails.
            throw new AssertionError(context.getRequiredTestClass().getSimpleName()
                    + " would be skipped in CI, which must not pass on skips: " + why);
        }
        return why == null ? ConditionEvaluationResult.enabled("agent available")
                : ConditionEvaluationResult.disabled(why);
    }
}
