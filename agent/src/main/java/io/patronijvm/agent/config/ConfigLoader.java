package io.patronijvm.agent.config;

import io.patronijvm.core.config.BootstrapConfig;
import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.config.Etcd3Config;
import io.patronijvm.core.config.PatroniConfig;
import io.patronijvm.core.config.WatchdogConfig;
import io.patronijvm.core.config.PostgresqlConfig;
import io.patronijvm.core.config.RestApiConfig;
import io.patronijvm.core.model.Tags;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads the local configuration: {@code patroni.yml} (or the YAML in {@code PATRONI_CONFIGURATION},
 * or nothing), overridden by {@code PATRONI_*} variables (spec 4.4), then validated into
 * {@link PatroniConfig}. Every problem is reported with its YAML path; unknown keys only warn.
 * The environment is injected so tests can drive it.
 */
public final class ConfigLoader {

    public static final String CONFIGURATION_VARIABLE = "PATRONI_CONFIGURATION";
    /** Patroni 3.x reserves this member name for strict synchronous mode. */
    private static final String RESERVED_NAME = "__patroni_strict_sync_replica_placeholder__";
    private static final Set<String> OTHER_DCS = Set.of("etcd", "zookeeper", "exhibitor", "kubernetes", "raft");
    private static final Set<String> KNOWN = Set.of("name", "scope", "namespace", "restapi", "ctl", "consul", "etcd3",
            "bootstrap", "postgresql", "watchdog", "tags", "log", "thread_pool_size", "thread_stack_size", "citus");
    private static final Map<String, String> LOG_LEVELS = Map.of("DEBUG", "DEBUG", "INFO", "INFO", "WARNING", "WARN",
            "WARN", "WARN", "ERROR", "ERROR", "CRITICAL", "ERROR", "FATAL", "ERROR", "TRACE", "TRACE");

    private final Map<String, String> env;

    /** @param env the process environment (System.getenv() in Main, a map in tests) */
    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The file when given; else {@code PATRONI_CONFIGURATION}; else the environment alone. */
    public LoadResult load(Path file) {
        if (file != null) {
            return loadFile(file);
        }
        String yaml = env.get(CONFIGURATION_VARIABLE);
        if (yaml != null && !yaml.isBlank()) {
            return loadText(yaml, CONFIGURATION_VARIABLE, null);
        }
        return fromTree(Map.of(), "environment", null);
    }

    public LoadResult loadFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return failed("cannot read " + file + ": no such file");
        } catch (MalformedInputException e) {
            return failed("cannot read " + file + ": not UTF-8 text");
        } catch (IOException e) {
            return failed("cannot read " + file + ": " + e.getMessage());
        }
        return loadText(text, file.toString(), file);
    }

    public LoadResult loadText(String yaml, String source, Path file) {
        YamlDocument.Result doc = YamlDocument.parse(yaml, source);
        if (doc.problem() != null) {
            return new LoadResult(null, List.of(doc.problem()));
        }
        if (doc.value() != null && !(doc.value() instanceof Map)) {
            return failed(source + " must hold a map of keys to values at the top level");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = doc.value() == null ? Map.of() : (Map<String, Object>) doc.value();
        return fromTree(tree, source, file);
    }

    /**
     * The environment for child processes (postgres, callbacks, hooks): Patroni pops the
     * {@code PATRONI_*} variables it reads so passwords do not leak into them; we drop them all,
     * keeping only our own {@code PATRONI_JVM_*} test settings.
     */
    public static Map<String, String> childEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (!k.startsWith(EnvironmentConfig.PREFIX) || k.startsWith("PATRONI_JVM_")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static LoadResult failed(String message) {
        return new LoadResult(null, List.of(ConfigProblem.error("", message)));
    }

    private LoadResult fromTree(Map<String, Object> yaml, String source, Path file) {
        Problems problems = new Problems();
        Map<String, Object> effective = EnvironmentConfig.merge(yaml, EnvironmentConfig.build(env, problems));
        Section root = Section.root(effective, problems);
        Set<String> known = new HashSet<>(KNOWN);
        known.addAll(OTHER_DCS);
        root.warnUnknown(known);
        String scope = identifier(root, "scope");
        String name = identifier(root, "name");
        if (RESERVED_NAME.equals(name)) {
            problems.error("name", "'" + name + "' is reserved by Patroni");
        }
        String namespace = namespace(root);
        checkDcsSections(effective, problems);
        if (effective.containsKey("citus")) {
            problems.error("citus", "Citus is not supported by patroni-jvm yet");
        }
        RestApiConfig restapi = RestApiSection.read(root.section("restapi"));
        Section ctl = root.section("ctl");
        ctl.warnUnknown(Set.of("authentication", "insecure", "cacert", "certfile", "keyfile", "keyfile_password"));
        Section ctlAuth = ctl.section("authentication");
        boolean etcd3 = effective.containsKey("etcd3");
        ConsulConfig consul = etcd3 ? null : ConsulSection.read(root.section("consul"));
        Etcd3Config etcd3Config = etcd3 ? Etcd3Section.read(root.section("etcd3")) : null;
        BootstrapSection.Result bootstrap = BootstrapSection.read(root.section("bootstrap"));
        PostgresqlConfig postgresql = PostgresqlSection.read(root.section("postgresql"), name);
        Tags tags = TagsSection.read(root.section("tags"));
        WatchdogConfig watchdog = watchdog(root.section("watchdog"));
        String logLevel = logLevel(root.section("log"));
        io.patronijvm.agent.logging.LogFormat logFormat = LogSection.read(root.section("log"));
        if (problems.hasErrors()) {
            return new LoadResult(null, problems.all());
        }
        PatroniConfig config = new PatroniConfig(scope, name, namespace, restapi, consul,
                effective.containsKey("bootstrap") ? bootstrap.config() : BootstrapConfig.NONE,
                effective.containsKey("bootstrap"), postgresql, tags, watchdog, logLevel,
                ctlAuth.string("username"), ctlAuth.string("password"), etcd3Config);
        List<ConfigProblem> all = problems.all();
        return new LoadResult(new LoadedConfig(config, bootstrap.dcs(), all, source, file, effective, logFormat), all);
    }

    /** scope and name become Consul key segments: a slash would change the key layout. */
    private static String identifier(Section root, String key) {
        String v = root.requiredString(key);
        if (v != null && v.contains("/")) {
            root.problems().error(key, "'" + v + "' may not contain '/' (it is part of the DCS keys)");
        }
        return v;
    }

    private static String namespace(Section root) {
        String ns = root.string("namespace");
        if (ns == null || ns.isBlank()) {
            return "/service";
        }
        return ns.startsWith("/") ? ns : "/" + ns;
    }

    /** Exactly one DCS section; patroni-jvm speaks consul and etcd3 (etcd v3), not the others yet. */
    private static void checkDcsSections(Map<String, Object> tree, Problems problems) {
        List<String> present = new java.util.ArrayList<>();
        for (String dcs : List.of("consul", "etcd3")) {
            if (tree.containsKey(dcs)) {
                present.add(dcs);
            }
        }
        for (String dcs : List.of("etcd", "zookeeper", "exhibitor", "kubernetes", "raft")) {
            if (tree.containsKey(dcs)) {
                present.add(dcs);
                problems.error(dcs, "the " + dcs + " DCS is not supported by patroni-jvm yet (use consul or etcd3"
                        + (dcs.equals("etcd") ? ": etcd3 talks to the same etcd servers through their v3 API" : "")
                        + ")");
            }
        }
        if (present.isEmpty()) {
            problems.error("consul", "is required: no DCS section found (patroni-jvm uses consul or etcd3)");
        } else if (present.size() > 1) {
            problems.error(present.get(1), "more than one DCS section (" + String.join(", ", present)
                    + "); keep exactly one");
        }
    }

    /**
     * Spec 3.16: Patroni's {@code watchdog} section. Absent means {@code automatic} (Patroni's
     * default): a node uses {@code /dev/watchdog} when it can and runs without one otherwise.
     */
    private static WatchdogConfig watchdog(Section w) {
        if (w.wrongType()) {
            return WatchdogConfig.DEFAULTS;
        }
        w.warnUnknown(Set.of("mode", "device", "safety_margin", "driver"));
        Object raw = w.raw("mode");
        WatchdogConfig.Mode mode = WatchdogConfig.Mode.parse(raw);
        if (mode == null) {
            w.problems().error(w.pathOf("mode"), "'" + raw + "' is not one of off, automatic, required");
            mode = WatchdogConfig.Mode.OFF;
        }
        String driver = w.string("driver");
        if (driver != null && !driver.equals("default") && !driver.equals("testing")) {
            w.problems().error(w.pathOf("driver"), "'" + driver + "' is not one of default, testing");
        }
        int margin = w.integer("safety_margin", 5, -1, Integer.MAX_VALUE);
        return new WatchdogConfig(mode, driver, w.string("device"), margin);
    }

    private static String logLevel(Section log) {
        for (String key : log.keys()) {
            if (!key.equals("level") && !LogSection.KEYS.contains(key)) {
                log.problems().warning(log.pathOf(key), "is not supported by patroni-jvm yet; ignored "
                        + "(logs go to standard output, see ConsoleLogConfigurator)");
            }
        }
        String level = log.string("level");
        if (level == null) {
            return "INFO";
        }
        String mapped = LOG_LEVELS.get(level.trim().toUpperCase(Locale.ROOT));
        if (mapped == null) {
            log.problems().error(log.pathOf("level"), "'" + level + "' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
            return "INFO";
        }
        return mapped;
    }
}
