package io.patronijvm.core.model;

import java.util.Map;

/**
 * The {@code config} key: the dynamic configuration as a JSON object (already parsed into
 * plain maps, lists, strings, numbers and booleans) and the key's modify index for CAS.
 */
public record ClusterConfig(Map<String, Object> data, long version) {
    public ClusterConfig {
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }
}
