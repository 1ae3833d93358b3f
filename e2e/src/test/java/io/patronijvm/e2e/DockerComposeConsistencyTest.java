package io.patronijvm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The docker deliverables (issue 7) cannot run here, so their wiring is checked by reading
 * them: every file the compose file mounts or builds from exists, every PATRONI_* variable is
 * one the configuration loader knows (spec 4.4), addresses and ports agree between compose,
 * patroni.yml, the PgBouncer files and haproxy.cfg, and HAProxy's health checks use REST
 * health paths (spec 1.4) with the fast settings the issue asks for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerComposeConsistencyTest {

    /** Spec 4.4: the environment variables Patroni (and so our loader) reads. */
    private static final Pattern KNOWN_ENV = Pattern.compile("PATRONI_(NAME|NAMESPACE|SCOPE|CONFIGURATION"
            + "|LOG_[A-Z_]+|RESTAPI_(LISTEN|CONNECT_ADDRESS|USERNAME|PASSWORD|CERTFILE|KEYFILE|KEYFILE_PASSWORD|CAFILE|CIPHERS"
            + "|VERIFY_CLIENT|ALLOWLIST|ALLOWLIST_INCLUDE_MEMBERS|HTTP_EXTRA_HEADERS|HTTPS_EXTRA_HEADERS|REQUEST_QUEUE_SIZE)"
            + "|POSTGRESQL_(LISTEN|CONNECT_ADDRESS|PROXY_ADDRESS|DATA_DIR|CONFIG_DIR|BIN_DIR|PGPASS|BIN_[A-Z_]+)"
            + "|(SUPERUSER|REPLICATION|REWIND)_(USERNAME|PASSWORD|SSLMODE|SSLKEY|SSLPASSWORD|SSLCERT|SSLROOTCERT|SSLCRL"
            + "|SSLCRLDIR|GSSENCMODE|CHANNEL_BINDING)"
            + "|CONSUL_(HOST|URL|PORT|SCHEME|TOKEN|VERIFY|CACERT|CERT|KEY|DC|CONSISTENCY|CHECKS|REGISTER_SERVICE"
            + "|SERVICE_TAGS|SERVICE_CHECK_INTERVAL|SERVICE_CHECK_TLS_SERVER_NAME)"
            + "|[A-Z0-9_]+_(PASSWORD|OPTIONS))");
    /** Spec 1.4 health paths HAProxy may check. */
    private static final Set<String> HEALTH_PATHS = Set.of("/", "/primary", "/master", "/read-write", "/leader",
            "/replica", "/read-only", "/health", "/sync", "/async", "/standby-leader");

    private final Path docker = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("docker");
    private Map<String, Map<String, Object>> services;
    private Map<String, Object> patroniYml;
    private String haproxy;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void read() throws IOException {
        Load load = new Load(LoadSettings.builder().build());
        Map<String, Object> compose = (Map<String, Object>) load.loadFromString(Files.readString(docker.resolve("docker-compose.yml")));
        services = new LinkedHashMap<>();
        ((Map<String, Object>) compose.get("services")).forEach((k, v) -> services.put(k, merged((Map<String, Object>) v)));
        patroniYml = (Map<String, Object>) load.loadFromString(Files.readString(docker.resolve("patroni.yml")));
        haproxy = Files.readString(docker.resolve("haproxy.cfg"));
    }

    /** YAML merge keys ({@code <<: *member}) are not part of YAML 1.2, so they are applied here. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> merged(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object base = m.get("<<");
        if (base instanceof Map<?, ?> b) {
            out.putAll(merged((Map<String, Object>) b));
        }
        m.forEach((k, v) -> {
            if (!"<<".equals(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private List<String> members() {
        return services.keySet().stream().filter(s -> s.startsWith("member_")).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) services.get(service).getOrDefault("environment", Map.of()))
                .forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    @SuppressWarnings("unchecked")
    private List<String> volumes(String service) {
        return (List<String>) services.get(service).getOrDefault("volumes", List.of());
    }

    @Test
    void composeDefinesThreeConsulServersThreeMembersAPgbouncerEachAndHaproxy() {
        assertThat(services).containsKeys("consul1", "consul2", "consul3", "member_1", "member_2", "member_3",
                "pgbouncer_1", "pgbouncer_2", "pgbouncer_3", "haproxy");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFileTheComposeFileBuildsFromOrMountsExists() throws IOException {
        for (var e : services.entrySet()) {
            Object build = e.getValue().get("build");
            if (build instanceof Map<?, ?> b) {
                Path context = docker.resolve(String.valueOf(b.get("context"))).normalize();
                Path dockerfile = context.resolve(String.valueOf(((Map<String, Object>) b).getOrDefault("dockerfile", "Dockerfile")));
                assertThat(dockerfile).as(e.getKey() + " dockerfile").isRegularFile();
                for (String source : copySources(dockerfile)) {
                    // Build outputs (agent/target/agent.jar) exist only after scripts/build.
                    if (!source.contains("/target/")) {
                        assertThat(context.resolve(source)).as(e.getKey() + " COPY " + source).exists();
                    }
                }
            }
            for (String volume : volumes(e.getKey())) {
                String host = volume.split(":")[0];
                if (host.startsWith(".") || host.startsWith("/")) {
                    assertThat(docker.resolve(host).normalize()).as(e.getKey() + " volume " + volume).exists();
                }
            }
        }
    }

    private static List<String> copySources(Path dockerfile) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            String t = line.strip();
            if (t.startsWith("COPY ") && !t.contains("--from=")) {
                String[] parts = t.split("\\s+");
                for (int i = 1; i < parts.length - 1; i++) {
                    out.add(parts[i]);
                }
            }
        }
        return out;
    }

    @Test
    void membersUseOnlyEnvironmentVariablesTheConfigLoaderKnowsAndDistinctNames() {
        Set<String> names = new java.util.HashSet<>();
        for (String member : members()) {
            Map<String, String> env = environment(member);
            assertThat(env.keySet()).as(member + " environment").allSatisfy(k -> assertThat(k).matches(KNOWN_ENV));
            assertThat(env).containsKeys("PATRONI_NAME", "PATRONI_CONSUL_URL", "PATRONI_RESTAPI_CONNECT_ADDRESS",
                    "PATRONI_POSTGRESQL_CONNECT_ADDRESS", "PATRONI_SUPERUSER_PASSWORD", "PATRONI_REPLICATION_PASSWORD");
            assertThat(names.add(env.get("PATRONI_NAME"))).as("unique PATRONI_NAME " + env.get("PATRONI_NAME")).isTrue();
            assertThat(volumes(member)).anyMatch(v -> v.startsWith("./patroni.yml:/patroni.yml"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void addressesAndPortsAgreeBetweenComposePatroniYmlAndPgbouncer() throws IOException {
        String restPort = portOf(((Map<String, Object>) patroniYml.get("restapi")).get("listen"));
        String pgPort = portOf(((Map<String, Object>) patroniYml.get("postgresql")).get("listen"));
        for (String member : members()) {
            Map<String, String> env = environment(member);
            String hostname = String.valueOf(services.get(member).get("hostname"));
            assertThat(env.get("PATRONI_RESTAPI_CONNECT_ADDRESS")).isEqualTo(hostname + ":" + restPort);
            assertThat(env.get("PATRONI_POSTGRESQL_CONNECT_ADDRESS")).isEqualTo(hostname + ":" + pgPort);
            Matcher consul = Pattern.compile("http://(consul\\d+):8500").matcher(env.get("PATRONI_CONSUL_URL"));
            assertThat(consul.matches()).as(env.get("PATRONI_CONSUL_URL")).isTrue();
            assertThat(services).containsKey(consul.group(1));
            // Its PgBouncer points at this member's PostgreSQL port.
            String n = member.substring("member_".length());
            String ini = Files.readString(docker.resolve("pgbouncer/pgbouncer_" + n + ".ini"));
            assertThat(ini).contains("host=" + hostname + " port=" + pgPort).contains("listen_port = 6432");
        }
        String userlist = Files.readString(docker.resolve("pgbouncer/userlist.txt"));
        String superuserPassword = environment("member_1").get("PATRONI_SUPERUSER_PASSWORD");
        assertThat(userlist).contains("\"postgres\" \"" + superuserPassword + "\"");
    }

    private static String portOf(Object listen) {
        String s = String.valueOf(listen);
        return s.substring(s.lastIndexOf(':') + 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void haproxyChecksRestHealthPathsQuicklyOnEveryMembersPgbouncer() {
        String restPort = portOf(((Map<String, Object>) patroniYml.get("restapi")).get("listen"));
        Matcher chk = Pattern.compile("option httpchk (OPTIONS|GET|HEAD) (\\S+)").matcher(haproxy);
        List<String> paths = new ArrayList<>();
        while (chk.find()) {
            paths.add(chk.group(2));
        }
        assertThat(paths).containsExactly("/primary", "/replica");
        assertThat(paths).allSatisfy(p -> assertThat(HEALTH_PATHS).contains(p));
        // The correction of the seed: checks every 1-3 s, sessions cut when a node goes down.
        Matcher ds = Pattern.compile("default-server inter (\\d+)s fall (\\d+) rise (\\d+) on-marked-down shutdown-sessions")
                .matcher(haproxy);
        int listens = 0;
        while (ds.find()) {
            listens++;
            assertThat(Integer.parseInt(ds.group(1))).isBetween(1, 3);
        }
        assertThat(listens).isEqualTo(2);
        for (String member : members()) {
            String n = member.substring("member_".length());
            assertThat(haproxy).contains("server " + member + " pgbouncer_" + n + ":6432 maxconn 100 check port "
                    + restPort + " addr " + member);
            assertThat(services).containsKey("pgbouncer_" + n);
        }
        List<String> published = (List<String>) services.get("haproxy").get("ports");
        for (String port : List.of("5000", "5001", "7000")) {
            assertThat(haproxy).contains("bind *:" + port);
            assertThat(published).contains(port + ":" + port);
        }
    }

    @Test
    void imageRunsTheAgentJarOnTheMountedPatroniYmlAsPostgres() throws IOException {
        String dockerfile = Files.readString(docker.resolve("Dockerfile"));
        assertThat(dockerfile).contains("USER postgres").contains("\"-jar\", \"/agent.jar\", \"/patroni.yml\"")
                .contains("COPY agent/target/agent.jar /agent.jar");
    }

    /** Issue 15: {@code docker exec <node> patronictl list} runs our ctl on the node's own configuration. */
    @Test
    void imageHasAPatronictlWrapperThatRunsOurCtlOnTheMountedConfiguration() throws IOException {
        assertThat(Files.readString(docker.resolve("Dockerfile"))).contains("COPY docker/patronictl /usr/local/bin/patronictl");
        Path wrapper = docker.resolve("patronictl");
        assertThat(wrapper).isExecutable();
        String text = Files.readString(wrapper);
        assertThat(text).startsWith("#!/bin/sh").contains("/agent.jar}\" ctl \"$@\"").contains("PATRONICTL_CONFIG_FILE=/patroni.yml");
        assertThat(text).as("no Python").doesNotContain("python");
    }
}
