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
 * The docker deliverables' wiring, checked by reading them (scripts/compose test runs them for
 * real, issue 14, but needs root and minutes): every file the compose file mounts or builds from
 * exists, every PATRONI_* variable is one the configuration loader knows (spec 4.4), addresses
 * and ports agree between compose, patroni.yml, the PgBouncer files and haproxy.cfg, HAProxy's
 * health checks use REST health paths (spec 1.4) with the fast settings the issue asks for, and
 * no credential is written in the repository: docker/init-secrets generates them (run here into
 * a temporary folder) and the compose file only points at its files.
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
    private Path secrets;

    @BeforeAll
    @SuppressWarnings("unchecked")
    void read() throws IOException, InterruptedException {
        secrets = Files.createTempDirectory("init-secrets").resolve("secrets");
        ProcessBuilder pb = new ProcessBuilder("sh", docker.resolve("init-secrets").toString())
                .redirectErrorStream(true);
        pb.environment().put("PATRONI_JVM_SECRETS_DIR", secrets.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("init-secrets ends").isTrue();
        assertThat(p.exitValue()).as("init-secrets: " + out).isZero();
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
        return services.keySet().stream().filter(s -> s.startsWith("member")).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) services.get(service).getOrDefault("environment", Map.of()))
                .forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    /** What the container sees: its env_file entries (as init-secrets wrote them), then environment. */
    @SuppressWarnings("unchecked")
    private Map<String, String> containerEnvironment(String service) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object f : (List<Object>) services.get(service).getOrDefault("env_file", List.of())) {
            env.putAll(envFile(String.valueOf(f)));
        }
        env.putAll(environment(service));
        return env;
    }

    /** An env_file of the compose file, read from init-secrets' output: KEY=VALUE lines, # comments. */
    private Map<String, String> envFile(String composePath) throws IOException {
        assertThat(composePath).as("env_file " + composePath).startsWith("secrets/");
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(secrets.resolve(composePath.substring("secrets/".length())))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private List<String> volumes(String service) {
        return (List<String>) services.get(service).getOrDefault("volumes", List.of());
    }

    @Test
    void composeDefinesThreeConsulServersThreeMembersAPgbouncerEachAndHaproxy() {
        assertThat(services).containsKeys("consul1", "consul2", "consul3", "member1", "member2", "member3",
                "pgbouncer1", "pgbouncer2", "pgbouncer3", "haproxy");
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
    void membersUseOnlyEnvironmentVariablesTheConfigLoaderKnowsAndDistinctNames() throws IOException {
        Set<String> names = new java.util.HashSet<>();
        for (String member : members()) {
            Map<String, String> env = containerEnvironment(member);
            assertThat(env.keySet()).as(member + " environment").allSatisfy(k -> assertThat(k).matches(KNOWN_ENV));
            assertThat(env).containsKeys("PATRONI_NAME", "PATRONI_CONSUL_URL", "PATRONI_RESTAPI_CONNECT_ADDRESS",
                    "PATRONI_POSTGRESQL_CONNECT_ADDRESS", "PATRONI_SUPERUSER_PASSWORD", "PATRONI_REPLICATION_PASSWORD",
                    "PATRONI_REWIND_PASSWORD", "PATRONI_RESTAPI_USERNAME", "PATRONI_RESTAPI_PASSWORD",
                    "PATRONI_CONSUL_TOKEN");
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
            String n = member.substring("member".length());
            String ini = Files.readString(docker.resolve("pgbouncer/pgbouncer" + n + ".ini"));
            assertThat(ini).contains("host=" + hostname + " port=" + pgPort).contains("listen_port = 6432");
        }
        // PgBouncer authenticates clients as the superuser with the generated password.
        Map<String, String> member = containerEnvironment("member1");
        String superuser = String.valueOf(((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                patroniYml.get("postgresql")).get("authentication")).get("superuser")).get("username"));
        for (String n : List.of("1", "2", "3")) {
            Map<String, String> bouncer = containerEnvironment("pgbouncer" + n);
            assertThat(bouncer).containsEntry("PGBOUNCER_USER", superuser)
                    .containsEntry("PGBOUNCER_PASSWORD", member.get("PATRONI_SUPERUSER_PASSWORD"));
        }
    }

    @Test
    void credentialsAreGeneratedNotWrittenInTheRepositoryAndConsulRefusesAnonymousClients() throws IOException {
        String compose = Files.readString(docker.resolve("docker-compose.yml"));
        assertThat(compose).doesNotContainPattern("(?i)(PASSWORD|TOKEN)\\s*:");
        assertThat(Files.readString(docker.resolve("patroni.yml"))).doesNotContainPattern("(?i)password\\s*:");
        assertThat(docker.resolve("pgbouncer/userlist.txt")).doesNotExist();
        Path gitignore = docker.getParent().resolve(".gitignore");
        assertThat(Files.readAllLines(gitignore)).contains("docker/secrets/");
        Map<String, String> member = containerEnvironment("member1");
        assertThat(member.get("PATRONI_SUPERUSER_PASSWORD")).matches("[0-9a-f]{32}");
        assertThat(member.get("PATRONI_RESTAPI_PASSWORD")).matches("[0-9a-f]{32}")
                .isNotEqualTo(member.get("PATRONI_SUPERUSER_PASSWORD"));
        // The agents' token is the one the consul_acl job creates; the servers deny by default.
        Map<String, String> consul = containerEnvironment("consul1");
        assertThat(containerEnvironment("consul_acl")).containsEntry("PATRONI_CONSUL_TOKEN", member.get("PATRONI_CONSUL_TOKEN"));
        assertThat(consul.get("CONSUL_LOCAL_CONFIG")).contains("\"default_policy\":\"deny\"")
                .contains("\"master\":\"" + consul.get("CONSUL_HTTP_TOKEN") + "\"");
        assertThat(member).doesNotContainKey("CONSUL_HTTP_TOKEN");
        assertThat(member.get("PATRONI_CONSUL_TOKEN")).isNotEqualTo(consul.get("CONSUL_HTTP_TOKEN"));
        // A second run keeps what the volumes were initialised with.
        String before = Files.readString(secrets.resolve("patroni.env"));
        ProcessBuilder pb = new ProcessBuilder("sh", docker.resolve("init-secrets").toString()).redirectErrorStream(true);
        pb.environment().put("PATRONI_JVM_SECRETS_DIR", secrets.toString());
        try {
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(Files.readString(secrets.resolve("patroni.env"))).isEqualTo(before);
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
        // The issue's correction of the seed: checks every 1-3 s, sessions cut when a node goes down.
        Matcher ds = Pattern.compile("default-server inter (\\d+)s fall (\\d+) rise (\\d+) on-marked-down shutdown-sessions")
                .matcher(haproxy);
        int checkBackends = 0;
        while (ds.find()) {
            checkBackends++;
            assertThat(Integer.parseInt(ds.group(1))).isBetween(1, 3);
        }
        assertThat(checkBackends).isEqualTo(2);
        assertThat(haproxy.split("default-server on-marked-down shutdown-sessions", -1)).hasSize(3);
        // Names are resolved at run time: a restarted container has a new address.
        assertThat(haproxy).contains("parse-resolv-conf").contains("resolvers containers");
        for (String member : members()) {
            String n = member.substring("member".length());
            assertThat(haproxy.split("server " + member + " " + member + ":" + restPort + " check", -1)).hasSize(3);
            for (String check : List.of("primary_check", "replica_check")) {
                assertThat(haproxy).contains("server " + member + " pgbouncer" + n + ":6432 maxconn 100 track "
                        + check + "/" + member);
            }
            assertThat(services).containsKey("pgbouncer" + n);
        }
        List<String> published = (List<String>) services.get("haproxy").get("ports");
        for (String port : List.of("5000", "5001", "7000")) {
            assertThat(haproxy).contains("bind *:" + port);
            assertThat(published).contains("${PATRONI_JVM_PUBLISH_ADDR:-127.0.0.1}:" + port + ":" + port);
        }
    }

    @Test
    void imageRunsTheAgentJarOnTheMountedPatroniYmlAsPostgres() throws IOException {
        String dockerfile = Files.readString(docker.resolve("Dockerfile"));
        assertThat(dockerfile).contains("USER postgres").contains("\"-jar\", \"/agent.jar\", \"/patroni.yml\"")
                .contains("COPY agent/target/agent.jar /agent.jar")
                .contains("ARG BASE_IMAGE=postgres:15-bookworm\nFROM ${BASE_IMAGE}")
                .contains("COPY agent/target/jre /opt/patroni-jvm/jre");
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
        // Issue 14: the local stand-in for the official image brings no Python (nor Debian's
        // patronictl, which would sit behind the wrapper in PATH).
        String local = Files.readString(docker.resolve("local/Dockerfile.postgres"));
        assertThat(local).contains("postgresql-15").doesNotContainPattern("apt-get install[^\\n]*(patroni|python)");
    }
}
