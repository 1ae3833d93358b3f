package io.patronijvm.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real patronictl (Debian's 3.0.2), pointed at one node's generated patroni.yml. */
final class Patronictl {

    private Patronictl() {
    }

    static Exec.Result run(Path patroniYml, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(E2eEnv.PATRONICTL_BIN, "-c", patroniYml.toString()));
        cmd.addAll(List.of(args));
        Exec.Result r = Exec.run(cmd, Map.of(), timeout);
        System.out.println("[e2e] $ patronictl " + String.join(" ", args) + " -> " + r.exitCode() + "\n" + r.output());
        return r;
    }
}
