package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one load, in the order they were found. Not thread-safe: one per load. */
final class Problems {

    private final List<ConfigProblem> all = new ArrayList<>();

    void error(String path, String message) {
        all.add(ConfigProblem.error(path, message));
    }

    void warning(String path, String message) {
        all.add(ConfigProblem.warning(path, message));
    }

    void add(ConfigProblem problem) {
        all.add(problem);
    }

    boolean hasErrors() {
        return all.stream().anyMatch(ConfigProblem::isError);
    }

    List<ConfigProblem> all() {
        return List.copyOf(all);
    }
}
