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

    static Exec.Result run(E2eEnv env, Map<String, String> environment, Duration timeout, String input, String... args) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", env.agentJar().toString(), "ctl"));
        cmd.addAll(List.of(args));
        Exec.Result r = Exec.run(cmd, environment, timeout, input);
        System.out.println("[e2e] $ ctl " + String.join(" ", args) + " -> " + r.exitCode() + "\n" + r.output());
        return r;
    }

    private static String[] prepend(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(new String[0]);
    }
}
