package io.patronijvm.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Our {@code java -jar agent.jar ctl}, pointed at one node's generated patroni.yml, as an operator runs it. */
final class OurCtl {

    private OurCtl() {
    }

    static Exec.Result run(E2eEnv env, Path patroniYml, Duration timeout, String input, String... args) {
        return run(env, Map.of(), timeout, input, prepend(List.of("-c", patroniYml.toString()), args));
    }

    /**
     * Through {@code docker/patronictl}, the image's wrapper, so the wrapper itself is exercised;
     * its class-data archive (written on the first run) halves the JVM start-up of every later run.
     */
    static Exec.Result run(E2eEnv env, Map<String, String> environment, Duration timeout, String input, String... args) {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        List<String> cmd = new ArrayList<>(List.of(env.repoRoot().resolve("docker/patronictl").toString()));
        cmd.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("PATRONI_JVM_JAR", env.agentJar().toString());
        all.put("PATH", javaBin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        all.put("XDG_CACHE_HOME", Path.of(System.getProperty("java.io.tmpdir"), "patroni-jvm-e2e-ctl-cache").toString());
        Exec.Result r = Exec.run(cmd, all, timeout, input);
        System.out.println("[e2e] $ ctl " + String.join(" ", args) + " -> " + r.exitCode() + "\n" + r.output());
        return r;
    }

    private static String[] prepend(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }
}
