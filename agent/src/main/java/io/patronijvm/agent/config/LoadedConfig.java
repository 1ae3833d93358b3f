package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.DynamicConfig;
import io.patronijvm.core.config.PatroniConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated local configuration, sealed: what the daemon starts from.
 *
 * @param config       the typed local configuration
 * @param bootstrapDcs {@code bootstrap.dcs} parsed (defaults when absent); written to the DCS
 *                     {@code config} key only when that key is absent
 * @param warnings     problems that did not stop the load, to be logged once at start
 * @param source       where it came from: the file name, {@code PATRONI_CONFIGURATION} or {@code environment}
 * @param file         the file, when there was one (a reload reads it again)
 * @param effective    the YAML tree after the environment overrides, for diagnostics
 * @param logFormat    how log lines look ({@code log.type}/{@code format}/{@code dateformat}/{@code static_fields})
 */
public record LoadedConfig(
        PatroniConfig config,
        DynamicConfig bootstrapDcs,
        List<ConfigProblem> warnings,
        String source,
        Path file,
        Map<String, Object> effective,
        io.patronijvm.agent.logging.LogFormat logFormat) {

    public LoadedConfig {
        warnings = List.copyOf(warnings);
        effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
    }

    public Optional<Path> configFile() {
        return Optional.ofNullable(file);
    }

    @Override
    public String toString() {
        // The effective tree holds passwords; never print it.
        return "LoadedConfig[source=" + source + ", scope=" + config.scope() + ", name=" + config.name()
                + ", warnings=" + warnings.size() + "]";
    }
}
