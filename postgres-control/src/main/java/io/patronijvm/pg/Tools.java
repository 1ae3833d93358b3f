package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;
import io.patronijvm.pg.process.ProcessResult;
import io.patronijvm.pg.process.ProcessRunner.Command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The short PostgreSQL tools: pg_controldata, pg_ctl reload/promote, kill. */
final class Tools {

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

    /** Sends a signal by name ({@code TERM}, {@code INT}, {@code QUIT}) with kill(1); true when delivered. */
    boolean signal(long pid, String sig) throws InterruptedException {
        try {
            return ctx.runner.run(new Command("kill -" + sig, List.of("kill", "-" + sig, Long.toString(pid)),
                    Map.of(), null, true), Duration.ofSeconds(5)).ok();
        } catch (PgException e) {
            return false;
        }
    }
}
