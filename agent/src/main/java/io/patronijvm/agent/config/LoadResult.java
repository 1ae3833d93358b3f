package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one load: the config when there were no errors, and every problem found
 * (errors and warnings, each naming its YAML path).
 */
public record LoadResult(LoadedConfig loaded, List<ConfigProblem> problems) {

    public LoadResult {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return loaded != null;
    }

    public Optional<LoadedConfig> config() {
        return Optional.ofNullable(loaded);
    }

    public List<ConfigProblem> errors() {
        return problems.stream().filter(ConfigProblem::isError).toList();
    }

    public List<ConfigProblem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }
}
