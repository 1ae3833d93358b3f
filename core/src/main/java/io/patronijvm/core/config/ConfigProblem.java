package io.patronijvm.core.config;

import java.util.Objects;

/**
 * One thing wrong (or worth a warning) in a configuration, named by its YAML path
 * ({@code postgresql.listen}, {@code bootstrap.initdb[2]}, {@code consul.port}) so the operator
 * can find it without reading our code.
 *
 * @param severity {@link Severity#ERROR} refuses the config; {@link Severity#WARNING} is logged and the value used as said
 * @param path     dotted YAML path, empty for the whole document
 * @param message  what is wrong and, where possible, what to write instead
 */
public record ConfigProblem(Severity severity, String path, String message) {

    public enum Severity { ERROR, WARNING }

    public ConfigProblem {
        Objects.requireNonNull(severity, "severity");
        path = path == null ? "" : path;
        Objects.requireNonNull(message, "message");
    }

    public static ConfigProblem error(String path, String message) {
        return new ConfigProblem(Severity.ERROR, path, message);
    }

    public static ConfigProblem warning(String path, String message) {
        return new ConfigProblem(Severity.WARNING, path, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The same problem seen from a parent section: {@code ttl} under {@code bootstrap.dcs}. */
    public ConfigProblem under(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return this;
        }
        return new ConfigProblem(severity, path.isEmpty() ? prefix : prefix + "." + path, message);
    }

    /** The same problem with another severity (a fallback the DCS tolerates is an error in a local file). */
    public ConfigProblem withSeverity(Severity newSeverity) {
        return new ConfigProblem(newSeverity, path, message);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
