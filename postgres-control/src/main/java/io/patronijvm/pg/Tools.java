package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;
import io.patronijvm.pg.process.ProcessResult;
import io.patronijvm.pg.process.ProcessRunner.Command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The short PostgreSQL tools: pg_controldata, pg_ctl reload/promote/kill. */
final class Tools {

    private static final Logger LOG = LoggerFactory.getLogger(Tools.class);

    private final PgContext ctx;

    Tools(PgContext ctx) {
        this.ctx = ctx;
    }

    ControlData controlData() throws PgException, InterruptedException {
        // C locale: the keys we parse are the untranslated English ones.
        ProcessResult r = ctx.runner.runChecked(new Command("pg_controldata",
                List.of(ctx.bin().get("pg_controldata"), "-D", ctx.paths.dataDir().toString()),
                Map.of("LC_ALL", "C", "LANG", "C", "LC_MESSAGES", "C"), null, true),
                PgContext.SHORT_TOOL_TIMEOUT);
        return ControlData.parse(String.join("\n", r.output()));
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
