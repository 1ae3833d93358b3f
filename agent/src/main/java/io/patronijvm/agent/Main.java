package io.patronijvm.agent;

import io.patronijvm.agent.cli.Cli;
import io.patronijvm.agent.wiring.AgentDaemon;

/**
 * Entry point: {@code java -jar agent.jar [--validate-config] [patroni.yml]}. The only place
 * that calls {@code System.exit}; everything else returns exit codes.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = new Cli(System.getenv(), System.out, System.err, Main::daemon).execute(args);
        System.exit(code);
    }

    /** The daemon to run: the real agent, with signal handling (SIGTERM, SIGINT, SIGHUP). */
    static Daemon daemon() {
        return new AgentDaemon(System.getenv(), true);
    }
}
