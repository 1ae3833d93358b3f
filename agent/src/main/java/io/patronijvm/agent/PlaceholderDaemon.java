package io.patronijvm.agent;

import io.patronijvm.agent.config.LoadedConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stands in until the HA loop is wired: refuses to pretend it runs. */
final class PlaceholderDaemon implements Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(PlaceholderDaemon.class);

    @Override
    public int run(LoadedConfig cfg) {
        LOG.error("daemon not wired yet: configuration {} is valid, but there is no HA loop to run", cfg.source());
        return 1;
    }
}
