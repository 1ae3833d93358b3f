package io.patronijvm.testkit.junit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs one test class in a JVM of its own, with the environment given, and reports what JUnit
 * made of each test and container: the way to check what a CI run (CI=true, scripts/test) does
 * with a test whose real component is missing, without being a CI run.
 *
 * <p>The child gets this JVM's test class path and the same JUnit settings as the build
 * (extension auto-detection on, so {@link NoSkipsInCi} is active as in every module).
 */
public final class IsolatedRun {

    /** One test or container: its display path, SUCCESSFUL/ABORTED/FAILED/SKIPPED, and the message why. */
    public record Outcome(String test, String status, String message) {
    }

    private static final String PREFIX = "ISOLATED-RUN\t";

    private IsolatedRun() {
    }

    /**
     * Runs {@code testClass} with this JVM's environment changed by {@code env} (a null value
     * removes the variable), in {@code workingDir}, within {@code timeout}.
     */
    public static List<Outcome> run(Class<?> testClass, Map<String, String> env, Path workingDir, Duration timeout)
            throws IOException, InterruptedException {
        String cp = System.getProperty("surefire.test.class.path");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path"),
                IsolatedRun.class.getName(), testClass.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir.toFile()).redirectErrorStream(true);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        String output;
        try (InputStream in = p.getInputStream()) {
            // The child prints little; reading to the end returns when it exits or is killed.
            Thread killer = Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            });
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            killer.join(timeout.toMillis());
        }
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("the isolated JUnit run of " + testClass.getName() + " did not finish "
                    + "cleanly within " + timeout + ":\n" + output);
        }
        List<Outcome> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith(PREFIX)) {
                String[] f = line.substring(PREFIX.length()).split("\t", 3);
                out.add(new Outcome(f[0], f[1], f.length > 2 ? f[2].replace("\\n", "\n") : ""));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("the isolated JUnit run of " + testClass.getName() + " reported nothing:\n"
                    + output);
        }
        return out;
    }

    /** The child: runs the class named in {@code args[0]} and prints one line per finished test or container. */
    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(args[0]))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                String why = result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("");
                print(id, result.getStatus().name(), why);
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                print(id, "SKIPPED", reason);
            }
        });
    }

    private static void print(TestIdentifier id, String status, String why) {
        String name = id.getUniqueId().replaceAll("\\[engine:junit-jupiter]/", "");
        System.out.println(PREFIX + name + "\t" + status + "\t" + why.replace("\n", "\\n").replace("\t", " "));
    }
}
