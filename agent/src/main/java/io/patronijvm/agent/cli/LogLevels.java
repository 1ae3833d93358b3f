package io.patronijvm.agent.cli;

import io.patronijvm.agent.logging.ConsoleLogConfigurator;
import io.patronijvm.agent.logging.Levels;

import java.util.logging.Level;

/** Applies {@code log.level} from the config to the root logger (ConsoleLogConfigurator reads PATRONI_LOG_LEVEL at start). */
public final class LogLevels {

    private LogLevels() {
    }

    public static void apply(String level) {
        ConsoleLogConfigurator.rootLevel(Levels.parse(level, Level.INFO));
    }
}
