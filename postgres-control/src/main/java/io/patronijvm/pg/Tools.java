package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;
import io.patronijvm.pg.process.ProcessResult;
import io.patronijvm.pg.process.ProcessRunner.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The short PostgreSQL tools: pg_controldata, pg_waldump, pg_ctl reload/promote/kill. */
final class Tools {

    private static final Logger LOG = LoggerFactory.getLogger(Tools.class);

    private final PgContext ctx;
    private volatile CachedControl cached;

    Tools(PgContext ctx) {
        this.ctx = ctx;
    }

    /**
     * pg_controldata's answer, run again only when {@code global/pg_control} changed (issue 17: a
     * start ran it four times, ~40 ms each, on the same unchanged file). The file is identified by
     * inode, size, mtime and ctime (ctime also moves on chmod, so an unreadable file is not
     * answered from the cache); an answer is kept only when the file was at least
     * {@link #RACY} older than the run, so that a write within the file system's timestamp
     * granularity cannot leave the same times behind (git's "racy" rule).
     */
    ControlData controlData() throws PgException, InterruptedException {
        Path file = ctx.paths.dataDir().resolve("global").resolve("pg_control");
        FileStamp before = FileStamp.of(file);
        CachedControl c = cached;
        if (before != null && c != null && c.stamp().equals(before)) {
            return c.data();
        }
        long startedMillis = System.currentTimeMillis();
        // C locale: the keys we parse are the untranslated English ones.
        ProcessResult r = ctx.runner.runChecked(new Command("pg_controldata",
                List.of(ctx.bin().get("pg_controldata"), "-D", ctx.paths.dataDir().toString()),
                Map.of("LC_ALL", "C", "LANG", "C", "LC_MESSAGES", "C"), null, true),
                PgContext.SHORT_TOOL_TIMEOUT);
        ControlData cd = ControlData.parse(String.join("\n", r.output()));
        cached = before != null && startedMillis - before.changedMillis() >= RACY.toMillis()
                ? new CachedControl(before, cd) : null;
        return cd;
    }

    /** How much older than a pg_controldata run pg_control must be for its answer to be reused. */
    static final Duration RACY = Duration.ofSeconds(1);

    private record CachedControl(FileStamp stamp, ControlData data) {
    }

    /** What identifies one version of a file; null when it cannot be read. */
    record FileStamp(Object fileKey, long size, long modifiedNanos, long changedNanos) {

        static FileStamp of(Path file) {
            try {
                Map<String, Object> a = Files.readAttributes(file, "unix:ino,size,lastModifiedTime,ctime");
                return new FileStamp(a.get("ino"), (Long) a.get("size"),
                        nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return null;
            }
        }

        /*
         * Written out instead of the record's generated equals and hashCode, which bootstrap through
         * java.lang.runtime.ObjectMethods: the AOT cache does not keep those call sites, so the
         * first comparison would spin method-handle classes on the start path.
         */
        @Override
        public boolean equals(Object o) {
            return o instanceof FileStamp f && java.util.Objects.equals(fileKey, f.fileKey) && size == f.size
                    && modifiedNanos == f.modifiedNanos && changedNanos == f.changedNanos;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(fileKey, size, modifiedNanos, changedNanos);
        }

        long changedMillis() {
            return Math.max(modifiedNanos, changedNanos) / 1_000_000;
        }

        private static long nanos(FileTime t) {
            return t.to(TimeUnit.NANOSECONDS);
        }
    }

    /**
     * R37: where the WAL record at {@code lsn} on timeline {@code timeline} ends ({@link WalDump});
     * empty when pg_waldump cannot tell. Exit status 1 is its normal answer here.
     */
    java.util.OptionalLong recordEnd(int timeline, long lsn) throws PgException, InterruptedException {
        ProcessResult r = ctx.runner.run(new Command("pg_waldump", List.of(ctx.bin().get("pg_waldump"),
                "-p", ctx.paths.dataDir().resolve("pg_wal").toString(), "-t", Integer.toString(timeline),
                "-s", Lsn.format(lsn), "-n", "2"), Map.of("LC_ALL", "C", "LANG", "C", "LC_MESSAGES", "C"), null, true),
                PgContext.SHORT_TOOL_TIMEOUT);
        return WalDump.recordEnd(r.output(), lsn);
    }

    void pgCtl(String action, List<String> extra, Duration timeout) throws PgException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ctx.bin().get("pg_ctl"), action, "-D", ctx.paths.dataDir().toString()));
        cmd.addAll(extra);
        ctx.runner.runChecked(new Command("pg_ctl " + action, cmd, ctx.toolEnv(), null, false), timeout);
    }

    /**
     * Sends a signal by name ({@code TERM}, {@code INT}, {@code QUIT}) with {@code pg_ctl kill}, which is
     * always beside postgres: kill(1) is not in minimal images (Debian's slim/minbase, the official
     * postgres image), where a stop signal then never left the agent. True when delivered; a failure
     * is logged with pg_ctl's answer.
     */
    boolean signal(long pid, String sig) throws InterruptedException {
        try {
            List<String> cmd = List.of(ctx.bin().get("pg_ctl"), "kill", sig, Long.toString(pid));
            ProcessResult r = ctx.runner.run(new Command("pg_ctl kill " + sig, cmd, ctx.toolEnv(), null, true),
                    Duration.ofSeconds(5));
            if (!r.ok()) {
                LOG.warn("pg_ctl kill {} {} failed: {}", sig, pid, String.join(" ", r.output()).strip());
            }
            return r.ok();
        } catch (PgException e) {
            LOG.warn("pg_ctl kill {} {} could not run: {}", sig, pid, e.getMessage());
            return false;
        }
    }
}
