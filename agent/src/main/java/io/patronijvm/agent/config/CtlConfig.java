package io.patronijvm.agent.config;

import io.patronijvm.core.config.ConfigProblem;
import io.patronijvm.core.config.ConsulConfig;
import io.patronijvm.core.config.Etcd3Config;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ctl} needs from a configuration, found as patronictl finds it (spec 5): a
 * patroni.yml or {@code patronictl.yaml} (a missing default file is no error), {@code PATRONI_*}
 * variables over it, {@code --dcs-url} over both. Unlike the agent's load nothing but the DCS
 * and REST client settings is validated, so a ctl-only file with just {@code consul:} works.
 *
 * @param scope       the cluster name from {@code scope}, or null
 * @param namespace   the key namespace, {@code /service} by default
 * @param consul      the Consul client settings, or null when the DCS is etcd3
 * @param etcd3       the etcd v3 client settings, or null when the DCS is Consul
 * @param rest        the members' REST API client settings ({@code ctl} over {@code restapi})
 * @param retryTimeoutSeconds DCS request budget (Patroni's default 10 s)
 */
public record CtlConfig(String scope, String namespace, ConsulConfig consul, Etcd3Config etcd3,
                        RestClientSettings rest, int retryTimeoutSeconds) {

    /** Where the DCS is, for messages: {@code Consul at http://...} or {@code etcd3 at http://...}. */
    public String dcsAddress() {
        return etcd3 != null ? "etcd3 at " + etcd3.describe() : "Consul at " + consul.baseUrl();
    }

    /** The REST client side: basic auth and TLS, patronictl's {@code ctl.*} first, then {@code restapi.*}. */
    public record RestClientSettings(String username, String password, boolean insecure, String cacert,
                                     String certfile, String keyfile, String keyfilePassword) {
    }

    /** A configuration that cannot be used: the message names the file, key or URL. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    /**
     * @param file      the file to read
     * @param explicit  true when the user named it (-c / PATRONICTL_CONFIG_FILE): then it must exist
     * @param dcsUrl    {@code --dcs-url}, or null
     * @param insecure  {@code -k}: do not verify the members' certificates
     */
    public static CtlConfig load(Path file, boolean explicit, String dcsUrl, boolean insecure, Map<String, String> env)
            throws Invalid {
        Map<String, Object> yaml = readFile(file, explicit);
        Problems problems = new Problems();
        Map<String, Object> tree = new LinkedHashMap<>(EnvironmentConfig.merge(yaml, EnvironmentConfig.build(env,
                problems)));
        if (dcsUrl != null && !dcsUrl.isBlank()) {
            Map.Entry<String, Object> section = sectionFromUrl(dcsUrl);
            for (String dcs : List.of("consul", "etcd", "etcd3", "zookeeper", "exhibitor", "kubernetes", "raft")) {
                tree.remove(dcs);
            }
            tree.put(section.getKey(), section.getValue());
        }
        if (tree.containsKey("etcd") && !tree.containsKey("etcd3") && !tree.containsKey("consul")) {
            throw new Invalid("the etcd (v2 API) DCS is not supported by patroni-jvm: use etcd3 (the same etcd"
                    + " servers through their v3 API) or consul");
        }
        for (String other : List.of("zookeeper", "exhibitor", "kubernetes", "raft")) {
            if (tree.containsKey(other) && !tree.containsKey("consul") && !tree.containsKey("etcd3")) {
                throw new Invalid("the " + other + " DCS is not supported by patroni-jvm (use consul or etcd3)");
            }
        }
        Section root = Section.root(tree, problems);
        boolean useEtcd3 = tree.containsKey("etcd3") && !tree.containsKey("consul");
        ConsulConfig consul = useEtcd3 ? null : ConsulSection.read(root.section("consul"));
        Etcd3Config etcd3 = useEtcd3 ? Etcd3Section.read(root.section("etcd3")) : null;
        String scope = root.string("scope");
        String ns = root.string("namespace");
        String namespace = ns == null || ns.isBlank() ? "/service" : ns.startsWith("/") ? ns : "/" + ns;
        RestClientSettings rest = rest(root.section("ctl"), root.section("restapi"), insecure);
        List<ConfigProblem> errors = problems.all().stream().filter(ConfigProblem::isError).toList();
        if (!errors.isEmpty() || (consul == null && etcd3 == null)) {
            throw new Invalid("invalid configuration" + (file == null ? "" : " (" + file + ")") + ": "
                    + String.join("; ", errors.stream().map(ConfigProblem::toString).toList()));
        }
        return new CtlConfig(scope, namespace, consul, etcd3, rest, 10);
    }

    private static Map<String, Object> readFile(Path file, boolean explicit) throws Invalid {
        if (file == null || !Files.isReadable(file)) {
            if (explicit && file != null) {
                throw new Invalid("Provided config file " + file + " does not exist or is not readable."
                        + " Check the -c/--config-file parameter");
            }
            return Map.of();
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new Invalid("cannot read " + file + ": " + e.getMessage());
        }
        YamlDocument.Result doc = YamlDocument.parse(text, file.toString());
        if (doc.problem() != null) {
            throw new Invalid(doc.problem().toString());
        }
        if (doc.value() == null) {
            return Map.of();
        }
        if (!(doc.value() instanceof Map<?, ?> m)) {
            throw new Invalid(file + " must hold a map of keys to values at the top level");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) m;
        return tree;
    }

    /**
     * patronictl's {@code --dcs-url}: {@code [scheme://]host[:port]}; without a scheme the port
     * picks the DCS (8500 is Consul, anything else etcd). patroni-jvm speaks etcd only through its
     * v3 API, so {@code etcd://} and {@code etcd3://} both give an {@code etcd3} section (patronictl
     * 3.0.2 knows no {@code etcd3} scheme and reads etcd's v2 API for {@code etcd://}).
     */
    static Map.Entry<String, Object> sectionFromUrl(String url) throws Invalid {
        String text = url.contains("//") ? url : "//" + url;
        URI u;
        try {
            u = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new Invalid("--dcs-url '" + url + "' is not a URL like consul://127.0.0.1:8500");
        }
        String scheme = u.getScheme();
        int port = u.getPort();
        if (scheme == null || scheme.isEmpty()) {
            scheme = port == 8500 ? "consul" : port == 2181 ? "zookeeper" : port == 8181 ? "exhibitor" : "etcd";
        }
        if (!List.of("consul", "etcd", "etcd3", "zookeeper", "exhibitor").contains(scheme)) {
            throw new Invalid("Unknown dcs scheme: " + scheme);
        }
        String host = u.getHost() == null ? "localhost" : u.getHost();
        return switch (scheme) {
            case "consul" -> Map.entry("consul", Map.of("host", host + ":" + (port < 0 ? 8500 : port)));
            case "etcd", "etcd3" -> Map.entry("etcd3", Map.of("host", host + ":" + (port < 0 ? 2379 : port)));
            default -> throw new Invalid("--dcs-url '" + url + "' names " + scheme + ", but patroni-jvm speaks only"
                    + " consul (consul://host:8500) and etcd v3 (etcd3://host:2379)");
        };
    }

    private static RestClientSettings rest(Section ctl, Section restapi, boolean insecureFlag) {
        Section ctlAuth = ctl.section("authentication");
        Section apiAuth = restapi.section("authentication");
        String user = first(ctlAuth.string("username"), apiAuth.string("username"));
        String password = first(ctlAuth.string("password"), apiAuth.string("password"));
        boolean insecure = insecureFlag || ctl.bool("insecure", false);
        return new RestClientSettings(user, password, insecure, first(ctl.string("cacert"), restapi.string("cafile")),
                first(ctl.string("certfile"), restapi.string("certfile")),
                first(ctl.string("keyfile"), restapi.string("keyfile")),
                first(ctl.string("keyfile_password"), restapi.string("keyfile_password")));
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }
}
