package io.patronijvm.agent.config;

/** YAML text to plain values with the agent's own parser rules (core schema, string keys). */
public final class YamlValues {

    private YamlValues() {
    }

    /** Throws {@link IllegalArgumentException} naming {@code source}, the line and the column. */
    public static Object parse(String text, String source) {
        YamlDocument.Result r = YamlDocument.parse(text, source);
        if (r.problem() != null) {
            throw new IllegalArgumentException(r.problem().message());
        }
        return r.value();
    }
}
