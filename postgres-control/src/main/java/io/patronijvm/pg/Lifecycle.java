package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;
import io.patronijvm.core.pg.StopMode;
import io.patronijvm.core.time.Deadline;
import io.patronijvm.pg.process.ProcessTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts the postmaster detached (T5, decision 6), waits until it is ready, stops it by signal
 * with escalation, and tells whether the pid file's process is ours.
 */
final class Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration IMMEDIATE_GRACE = Duration.ofSeconds(10);
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final PgContext ctx;
    private final Tools tools;

    Lifecycle(PgContext ctx, Tools tools) {
        this.ctx = ctx;
        this.tools = tools;
    }

    /** The pid file of a live postmaster of our data directory, if there is one. */
    Optional<PostmasterPid> running() {
        return PostmasterPid.read(ctx.paths.dataDir())
                .filter(p -> p.check(ctx.paths.dataDir()) == PostmasterPid.Liveness.OURS);
    }

    /** A pid file whose process is gone or is not ours: the postmaster crashed. */
    boolean stalePidFile() {
        return PostmasterPid.read(ctx.paths.dataDir())
                .map(p -> p.check(ctx.paths.dataDir()) == PostmasterPid.Liveness.STALE).orElse(false);
    }

    /** Launches {@code postgres} in its own session and waits until it accepts connections. */
    void launch(io.patronijvm.pg.conf.Gucs cmdline, Duration timeout) throws PgException, InterruptedException {
        checkPortsFree();
        List<String> cmd = new ArrayList<>(List.of("setsid", ctx.bin().get("postgres"), "-D",
                ctx.paths.dataDir().toString(), "--config-file=" + ctx.paths.conf()));
        cmdline.cmdline().forEach((k, v) -> cmd.add("--" + k + "=" + v));
        File logFile = ctx.paths.postmasterLog().toFile();
        long logOffset = logFile.length();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(ctx.toolEnv());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PgException("cannot start postgres from " + ctx.bin().dir() + ": " + e.getMessage(), e);
        }
        log.info("started postgres (pid {}) on {}:{}, log {}", p.pid(), ctx.pg.listenAddresses(), ctx.pg.port(), logFile);
        awaitReady(p.toHandle(), logOffset, Deadline.after(ctx.clock, timeout));
    }

    private void awaitReady(ProcessHandle ph, long logOffset, Deadline deadline) throws PgException, InterruptedException {
        while (true) {
            if (!ph.isAlive()) {
                throw new PgException("postgres exited during start (data directory " + ctx.paths.dataDir()
                        + ", port " + ctx.pg.port() + "):\n" + logTail(logOffset));
            }
            Optional<PostmasterPid> pid = PostmasterPid.read(ctx.paths.dataDir());
            if (pid.isPresent() && pid.get().pid() == ph.pid()
                    && ("ready".equals(pid.get().status()) || "standby".equals(pid.get().status()))) {
                log.info("postgres (pid {}) is {}", ph.pid(), pid.get().status());
                return;
            }
            if (deadline.expired()) {
                throw new PgException("postgres (pid " + ph.pid() + ") did not accept connections within the start "
                        + "timeout; left running:\n" + logTail(logOffset));
            }
            ctx.sleeper.sleep(POLL);
        }
    }

    /** Stops by signal; on timeout escalates to immediate and then SIGKILL of the tree (T5). */
    boolean stop(StopMode mode, Duration timeout) throws InterruptedException {
        Optional<PostmasterPid> pid = running();
        if (pid.isEmpty()) {
            return true;
        }
        long p = pid.get().pid();
        String sig = switch (mode) {
            case SMART -> "TERM";
            case FAST -> "INT";
            case IMMEDIATE -> "QUIT";
        };
        log.info("stopping postgres (pid {}) in {} mode", p, mode.name().toLowerCase());
        tools.signal(p, sig);
        if (awaitExit(p, timeout)) {
            return true;
        }
        if (mode != StopMode.IMMEDIATE) {
            log.warn("postgres (pid {}) did not stop within {} s: escalating to immediate", p, timeout.toSeconds());
            tools.signal(p, "QUIT");
            if (awaitExit(p, IMMEDIATE_GRACE)) {
                return true;
            }
        }
        log.warn("postgres (pid {}) ignored immediate shutdown: SIGKILL to the process tree", p);
        ProcessHandle.of(p).ifPresent(ProcessTree::kill);
        return awaitExit(p, KILL_GRACE);
    }

    private boolean awaitExit(long pid, Duration timeout) throws InterruptedException {
        Deadline d = Deadline.after(ctx.clock, timeout);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (d.expired()) {
                return false;
            }
            ctx.sleeper.sleep(POLL);
        }
        return true;
    }

    /** A port already taken is reported before PostgreSQL fails on it, naming address and port. */
    private void checkPortsFree() throws PgException {
        for (String a : ctx.pg.listenAddresses().split(",")) {
            String addr = a.trim();
            if (addr.isEmpty()) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                InetAddress ia = addr.equals("*") ? null : InetAddress.getByName(addr);
                s.bind(ia == null ? new InetSocketAddress(ctx.pg.port()) : new InetSocketAddress(ia, ctx.pg.port()));
            } catch (IOException e) {
                throw new PgException("port " + ctx.pg.port() + " on " + addr + " is already in use (or cannot be bound: "
                        + e.getMessage() + "); postgresql.listen must name a free address:port");
            }
        }
    }

    /** What the postmaster wrote since {@code offset}, last 30 lines, for error messages. */
    String logTail(long offset) {
        File f = ctx.paths.postmasterLog().toFile();
        try (RandomAccessFile raf = new RandomAccessFile(f, "r")) {
            long len = raf.length();
            long from = Math.max(offset, len - 16_384);
            byte[] buf = new byte[(int) (len - from)];
            raf.seek(from);
            raf.readFully(buf);
            String[] lines = new String(buf, StandardCharsets.UTF_8).split("\n");
            return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 30), lines.length));
        } catch (IOException e) {
            return "(no log at " + f + ")";
        }
    }
}
