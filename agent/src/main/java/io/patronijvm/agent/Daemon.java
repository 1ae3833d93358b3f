package io.patronijvm.agent;

import io.patronijvm.agent.config.LoadedConfig;

/**
 * The long-running agent, started by {@link Main} with a validated configuration. Returns the
 * process exit code; {@code System.exit} stays in {@code Main}.
 */
public interface Daemon {

    /**
     * Runs until shut down.
     *
     * @param cfg the validated local configuration (its warnings are already printed)
     * @return the exit code: 0 after a clean shutdown
     * @throws Exception an unexpected failure; Main logs it and exits 1
     */
    int run(LoadedConfig cfg) throws Exception;
}
