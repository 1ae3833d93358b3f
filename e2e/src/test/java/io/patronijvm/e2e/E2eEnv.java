package io.patronijvm.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the end-to-end tests find things, and which agent they run. Read once from system
 * properties and the environment scripts/test sets: {@code e2e.agent} ({@code jvm}, the
 * default, runs {@code agent/target/agent.jar}; {@code patroni} runs Debian's real Patroni on
 * the same patroni.yml files, to check the tests themselves), {@code timing.multiple}.
 */
record E2eEnv(Agent agent, Path repoRoot, Path agentJar, double timingMultiple) {

    enum Agent { JVM, PATRONI }

    static final String PATRONI_BIN = "/usr/bin/patroni";
    static final String PATRONICTL_BIN = "/usr/bin/patronictl";

    static E2eEnv load() {
        String agentName = setting("e2e.agent", "E2E_AGENT", "jvm");
        Agent agent = switch (agentName.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "jvm", "ours", "" -> Agent.JVM;
            case "patroni" -> Agent.PATRONI;
            default -> throw new IllegalArgumentException("e2e.agent must be 'jvm' or 'patroni', got '" + agentName + "'");
        };
        // Surefire runs in the module folder (e2e/); the checkout is its parent.
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        Path jar = root.resolve("agent/target/agent.jar");
        double multiple = io.patronijvm.testkit.TimingMultiple.value();
        return new E2eEnv(agent, root, jar, Math.max(1.0, multiple));
    }

    private static String setting(String property, String envName, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            v = System.getenv(envName);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    Path clusterScript() {
        return repoRoot.resolve("scripts/cluster");
    }

    /** The command line that runs "our" agent for this run, given a patroni.yml after it. */
    String ourAgentCommand() {
        if (agent == Agent.PATRONI) {
            return PATRONI_BIN;
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return java + " -XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxMetaspaceSize=96m -XX:TieredStopAtLevel=1 -jar "
                + agentJar;
    }

    /** Why the agent cannot run here, or null when it can. */
    String unavailableReason() {
        if (agent == Agent.JVM && runningAsRoot()) {
            return "e2e tests with our agent run as an unprivileged user (PostgreSQL refuses root): use scripts/test";
        }
        if (agent == Agent.JVM && !Files.isRegularFile(agentJar)) {
            return "no " + agentJar + ": build the agent module first (scripts/build)";
        }
        if (!Files.isExecutable(Path.of(PATRONICTL_BIN))) {
            return "no " + PATRONICTL_BIN + " (Debian package patroni): run scripts/setup";
        }
        return null;
    }

    Duration scaled(Duration d) {
        return Duration.ofMillis((long) (d.toMillis() * timingMultiple));
    }
}
