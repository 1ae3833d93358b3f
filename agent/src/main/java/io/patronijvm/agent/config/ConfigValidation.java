package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code --validate-config}'s checks beyond loading: Patroni 3.0.2's schema on the file as written. */
public final class ConfigValidation {

    private ConfigValidation() {
    }

    /**
     * Patroni validates the file when one is given, else {@code PATRONI_CONFIGURATION}; a
     * configuration built from {@code PATRONI_*} variables alone is left to the loader.
     */
    public static List<ConfigProblem> patroniChecks(Path file, Map<String, String> env, boolean ignoreListenPort) {
        return patroniChecks(file, env, ignoreListenPort, new MachineProbe());
    }

    static List<ConfigProblem> patroniChecks(Path file, Map<String, String> env, boolean ignoreListenPort,
                                             PatroniSchema.Probe probe) {
        String text;
        String source;
        if (file != null) {
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.of(); // the loader reports an unreadable file
            }
            source = file.toString();
        } else if (env.get(ConfigLoader.CONFIGURATION_VARIABLE) != null) {
            text = env.get(ConfigLoader.CONFIGURATION_VARIABLE);
            source = ConfigLoader.CONFIGURATION_VARIABLE;
        } else {
            return List.of();
        }
        YamlDocument.Result doc = YamlDocument.parse(text, source);
        if (doc.problem() != null) {
            return List.of(); // the loader reports malformed YAML
        }
        return PatroniSchema.check(doc.value(), probe, ignoreListenPort);
    }
}
