package io.patronijvm.agent.wiring;

import io.patronijvm.agent.config.LoadedConfig;
import io.patronijvm.agent.json.PlainJson;
import io.patronijvm.core.config.DynamicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The dynamic configuration a node starts with, before it has read the DCS: the cached
 * {@code <data_dir>/patroni.dynamic.json} of its last run (decision 1), else {@code bootstrap.dcs}.
 * It sets the first session TTL and request timeouts; the loop then applies the DCS's config.
 */
final class InitialConfig {

    private static final Logger log = LoggerFactory.getLogger(InitialConfig.class);
    static final String CACHE_FILE = "patroni.dynamic.json";

    private InitialConfig() {
    }

    static DynamicConfig of(LoadedConfig cfg) {
        Path cache = cfg.config().postgresql().dataDir().resolve(CACHE_FILE);
        if (Files.isRegularFile(cache)) {
            try {
                Map<String, Object> raw = PlainJson.readObject(cache);
                DynamicConfig.Parsed parsed = DynamicConfig.fromMap(raw);
                parsed.warnings().forEach(w -> log.warn("{}: {}", cache, w));
                log.info("starting with the dynamic configuration cached in {}", cache);
                return parsed.config();
            } catch (IOException | RuntimeException e) {
                log.warn("ignoring {}: {}; starting with bootstrap.dcs", cache, e.getMessage());
            }
        }
        return cfg.bootstrapDcs();
    }
}
