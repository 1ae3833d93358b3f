package io.patronijvm.agent.config;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Shared helpers: where the example and broken files are, and a minimal valid config. */
final class TestConfigs {

    static final String MINIMAL = """
            scope: demo
            name: node1
            restapi:
              listen: 127.0.0.1:8008
            consul:
              host: 127.0.0.1:8500
            postgresql:
              listen: 127.0.0.1:5432
              data_dir: /var/lib/patroni-jvm/node1
              authentication:
                superuser:
                  username: postgres
                replication:
                  username: replicator
            """;

    private TestConfigs() {
    }

    /** The repository root: tests run with the module directory as working directory. */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("config")) && Files.exists(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("agent"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + here);
    }

    static Path broken(String name) {
        try {
            return Path.of(TestConfigs.class.getResource("/config/broken/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource config/broken/" + name, e);
        }
    }

    static LoadResult load(String yaml) {
        return new ConfigLoader(Map.of()).loadText(yaml, "test.yml", null);
    }

    static LoadResult load(String yaml, Map<String, String> env) {
        return new ConfigLoader(env).loadText(yaml, "test.yml", null);
    }
}
