package io.patronijvm.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code postmaster.pid} and the checks that decide whether the process it names is really the
 * postmaster of our data directory (decision 6: adopt a running postmaster). Lines: pid, data
 * directory, start time (epoch seconds), port, socket directory, listen address, shmem key, status.
 *
 * @param pid       line 1
 * @param dataDir   line 2
 * @param startEpoch line 3, or 0
 * @param port      line 4, or 0
 * @param status    line 8 ({@code starting}, {@code ready}, {@code standby}, {@code stopping}) or ""
 */
public record PostmasterPid(long pid, String dataDir, long startEpoch, int port, String status) {

    private static final Logger log = LoggerFactory.getLogger(PostmasterPid.class);
    /** Tolerance between the pid file's start time and the kernel's: a loaded host can take seconds to write the file; cwd is checked too. */
    private static final Duration START_SLACK = Duration.ofSeconds(30);

    /** Liveness of the pid file's process as seen from here. */
    public enum Liveness {
        /** The pid is alive and is the postmaster of our data directory. */
        OURS,
        /** The pid is dead or belongs to something else: the postmaster crashed (stale pid file). */
        STALE
    }

    public static Optional<PostmasterPid> read(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new PostmasterPid(Long.parseLong(lines.get(0).trim()), line(lines, 1),
                    parseLong(line(lines, 2)), (int) parseLong(line(lines, 3)), line(lines, 7)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            log.warn("cannot read {}/postmaster.pid: {}", dataDir, e.toString());
            return Optional.empty();
        }
    }

    /**
     * OURS when the pid file names our data directory, the pid is alive, its start time matches
     * the file (no pid reuse) and its cwd or command line is our data directory.
     */
    public Liveness check(Path ourDataDir) {
        Path ours = real(ourDataDir);
        if (!real(Path.of(dataDir)).equals(ours)) {
            log.warn("postmaster.pid names data directory {}, not ours ({})", dataDir, ours);
            return Liveness.STALE;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid);
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return Liveness.STALE;
        }
        Optional<Instant> started = ph.get().info().startInstant();
        if (startEpoch > 0 && started.isPresent()
                && Duration.between(Instant.ofEpochSecond(startEpoch), started.get()).abs().compareTo(START_SLACK) > 0) {
            log.warn("pid {} started at {}, postmaster.pid says {}: pid reused", pid, started.get(),
                    Instant.ofEpochSecond(startEpoch));
            return Liveness.STALE;
        }
        return cwdOrCmdlineMatches(ours) ? Liveness.OURS : Liveness.STALE;
    }

    private boolean cwdOrCmdlineMatches(Path ours) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            if (Files.readSymbolicLink(proc.resolve("cwd")).equals(ours)) {
                return true;
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not readable (another user's process): fall back to the command line.
        }
        try {
            String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
            return cmdline.contains(ours.toString()) || cmdline.contains(dataDir);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String line(List<String> lines, int i) {
        return lines.size() > i ? lines.get(i).trim() : "";
    }

    private static long parseLong(String s) {
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }
}
