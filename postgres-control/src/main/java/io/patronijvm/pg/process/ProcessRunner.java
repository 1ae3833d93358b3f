package io.patronijvm.pg.process;

import io.patronijvm.core.pg.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one PostgreSQL tool (initdb, pg_basebackup, pg_rewind, pg_controldata ...) to completion
 * with a hard timeout. Output is logged line by line and the tail is kept for error messages.
 * A timeout or an interrupt of the calling thread kills the whole process tree (style 10).
 */
public final class ProcessRunner {

    private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);
    private static final int KEPT_LINES = 200;
    private static final AtomicInteger READER_IDS = new AtomicInteger();

    /**
     * A command to run.
     *
     * @param label   short name for logs and errors ({@code initdb}, {@code pg_rewind})
     * @param command program and arguments
     * @param env     extra environment variables
     * @param stdin   file fed to stdin, or null for /dev/null
     * @param quiet   log output at DEBUG instead of INFO (for frequent probes)
     */
    public record Command(String label, List<String> command, Map<String, String> env, Path stdin, boolean quiet) {
        public Command {
            command = List.copyOf(command);
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        public static Command of(String label, List<String> command) {
            return new Command(label, command, Map.of(), null, false);
        }

        public Command withEnv(Map<String, String> extra) {
            return new Command(label, command, extra, stdin, quiet);
        }

        public Command quietly() {
            return new Command(label, command, env, stdin, true);
        }
    }

    /** Runs {@code cmd}; returns its result whatever the exit code. Throws on timeout or when it cannot start. */
    public ProcessResult run(Command cmd, Duration timeout) throws PgException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd.command()).redirectErrorStream(true);
        pb.environment().putAll(cmd.env());
        pb.redirectInput(cmd.stdin() == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(cmd.stdin().toFile()));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new PgException("cannot run " + cmd.label() + " (" + cmd.command().get(0) + "): " + e.getMessage(), e);
        }
        if (!cmd.quiet()) {
            log.info("{} started (pid {})", cmd.label(), process.pid());
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = Thread.ofPlatform().daemon().name("proc-out-" + cmd.label() + "-" + READER_IDS.incrementAndGet())
                .start(() -> pump(process, cmd, tail));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessTree.kill(process.toHandle());
                throw new PgException(cmd.label() + " did not finish within " + timeout.toSeconds()
                        + " s and was killed; last output:\n" + joined(tail));
            }
            // The pipe closes when the process (and any child holding it) is gone; bounded anyway.
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            log.warn("{} interrupted: killing process tree of pid {}", cmd.label(), process.pid());
            ProcessTree.kill(process.toHandle());
            throw e;
        }
        ProcessResult result = new ProcessResult(process.exitValue(), snapshot(tail));
        if (!cmd.quiet() || !result.ok()) {
            log.info("{} exited with code {}", cmd.label(), result.exitCode());
        }
        return result;
    }

    /** Like {@link #run} but a non-zero exit is a {@link PgException} carrying the output tail. */
    public ProcessResult runChecked(Command cmd, Duration timeout) throws PgException, InterruptedException {
        ProcessResult r = run(cmd, timeout);
        if (!r.ok()) {
            throw new PgException(cmd.label() + " failed with exit code " + r.exitCode() + ":\n" + r.tail(20));
        }
        return r;
    }

    private static void pump(Process process, Command cmd, Deque<String> tail) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (cmd.quiet()) {
                    log.debug("{}: {}", cmd.label(), line);
                } else {
                    log.info("{}: {}", cmd.label(), line);
                }
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > KEPT_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("{}: output stream closed: {}", cmd.label(), e.getMessage());
        }
    }

    private static List<String> snapshot(Deque<String> tail) {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    private static String joined(Deque<String> tail) {
        List<String> lines = snapshot(tail);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
