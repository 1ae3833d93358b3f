package io.patronijvm.agent;

import io.patronijvm.agent.cli.Cli;
import io.patronijvm.agent.ctl.Ctl;
import io.patronijvm.agent.logging.ConsoleLogConfigurator;
import io.patronijvm.agent.wiring.AgentDaemon;

/**
 * Entry point: {@code java -jar agent.jar [--validate-config] [patroni.yml]}, or
 * {@code java -jar agent.jar ctl ...} (patronictl's commands). The only place
 * that calls {@code System.exit}; everything else returns exit codes.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("ctl")) {
            // The command line tool logs only warnings, patronictl's way, and must start fast.
            System.setProperty("slf4j.provider", "io.patronijvm.agent.ctl.CtlLogging");
            System.setProperty("slf4j.internal.verbosity", "WARN");
            System.exit(Ctl.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.in,
                    System.out, System.err));
        }
        ConsoleLogConfigurator.install(System.getenv());
        int code = new Cli(System.getenv(), System.out, System.err, Main::daemon).execute(args);
        System.exit(code);
    }

    /** The daemon to run: the real agent, with signal handling (SIGTERM, SIGINT, SIGHUP). */
    static Daemon daemon() {
        return new AgentDaemon(System.getenv(), true);
    }
}
