package io.patronijvm.agent;

import io.patronijvm.agent.cli.Cli;

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

    /** The daemon to run. The HA-loop wiring replaces the placeholder here. */
    static Daemon daemon() {
        return new PlaceholderDaemon();
    }
}
