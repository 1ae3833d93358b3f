package io.patronijvm.agent.ha;

import io.patronijvm.core.config.CallbacksConfig;
import io.patronijvm.core.ha.CallbackEvent;
import io.patronijvm.core.model.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** R60/R61: callbacks run as {@code <cmd> <action> <role> <scope>}, one at a time, a new one killing the running one. */
class ProcessCallbacksTest {

    private static final double TIMING = io.patronijvm.testkit.TimingMultiple.value();
    private static final Duration WAIT = Duration.ofMillis((long) (10_000 * TIMING));

    @TempDir
    Path dir;
    private ProcessCallbacks callbacks;

    @AfterEach
    void close() {
        if (callbacks != null) {
            callbacks.close();
        }
    }

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void passesActionRoleAndScopeInPatronisOrder() throws Exception {
        Path out = dir.resolve("args");
        Path cb = script("record.sh", "echo \"$@\" >> " + out);
        callbacks = new ProcessCallbacks(new CallbacksConfig(null, null, null, null, cb.toString(), null, null),
                "demo", "test-callbacks");

        callbacks.fire(CallbackEvent.ON_ROLE_CHANGE, Role.PRIMARY);

        await().atMost(WAIT).until(() -> !lines(out).isEmpty());
        assertThat(lines(out)).containsExactly("on_role_change master demo");
    }

    @Test
    void configuredArgumentsComeBeforePatronisThree() throws Exception {
        Path out = dir.resolve("args");
        Path cb = script("record.sh", "echo \"$@\" >> " + out);
        callbacks = new ProcessCallbacks(new CallbacksConfig(cb + " --verbose", null, null, null, null, null, null),
                "demo", "test-callbacks");

        callbacks.fire(CallbackEvent.ON_START, Role.REPLICA);

        await().atMost(WAIT).until(() -> !lines(out).isEmpty());
        assertThat(lines(out)).containsExactly("--verbose on_start replica demo");
    }

    @Test
    void unconfiguredEventRunsNothing() throws Exception {
        Path out = dir.resolve("args");
        Path cb = script("record.sh", "echo \"$@\" >> " + out);
        callbacks = new ProcessCallbacks(new CallbacksConfig(null, cb.toString(), null, null, null, null, null),
                "demo", "test-callbacks");

        callbacks.fire(CallbackEvent.ON_RELOAD, Role.REPLICA); // not configured
        callbacks.fire(CallbackEvent.ON_STOP, Role.REPLICA);   // configured: proves the first one was skipped

        await().atMost(WAIT).until(() -> !lines(out).isEmpty());
        assertThat(lines(out)).containsExactly("on_stop replica demo");
    }

    @Test
    void aNewCallbackKillsTheRunningOne() throws Exception {
        Path started = dir.resolve("started");
        Path finished = dir.resolve("finished");
        Path second = dir.resolve("second");
        // The slow callback announces itself, then would take 30 s to record that it finished.
        Path slow = script("slow.sh", "echo $1 >> " + started + "\nsleep 30\necho $1 >> " + finished);
        Path fast = script("fast.sh", "echo \"$@\" >> " + second);
        callbacks = new ProcessCallbacks(new CallbacksConfig(fast.toString(), null, null, null, slow.toString(),
                null, null), "demo", "test-callbacks");

        callbacks.fire(CallbackEvent.ON_ROLE_CHANGE, Role.PRIMARY);
        await().atMost(WAIT).until(() -> !lines(started).isEmpty());
        callbacks.fire(CallbackEvent.ON_START, Role.PRIMARY);

        await().atMost(WAIT).until(() -> !lines(second).isEmpty());
        assertThat(lines(second)).containsExactly("on_start master demo");
        await("the slow on_role_change (and its sleep child) killed").atMost(WAIT)
                .until(() -> ProcessHandle.allProcesses()
                        .noneMatch(h -> h.info().commandLine().orElse("").contains(slow.toString())));
        assertThat(lines(finished)).isEmpty();
    }

    @Test
    void prePromoteExitCodeDecides() throws Exception {
        Path ok = script("ok.sh", "exit 0");
        Path bad = script("bad.sh", "exit 3");
        callbacks = new ProcessCallbacks(new CallbacksConfig(null, null, null, null, null, ok.toString(), null),
                "demo", "test-callbacks");
        assertThat(callbacks.prePromote(WAIT)).isTrue();
        callbacks.close();
        callbacks = new ProcessCallbacks(new CallbacksConfig(null, null, null, null, null, bad.toString(), null),
                "demo", "test-callbacks");
        assertThat(callbacks.prePromote(WAIT)).as("R61: a failing pre_promote stops the promotion").isFalse();
    }

    @Test
    void prePromoteThatHangsIsKilledAndRefused() throws Exception {
        Path hang = script("hang.sh", "sleep 30");
        callbacks = new ProcessCallbacks(new CallbacksConfig(null, null, null, null, null, hang.toString(), null),
                "demo", "test-callbacks");
        long t0 = System.nanoTime();
        assertThat(callbacks.prePromote(Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(WAIT);
    }
}
