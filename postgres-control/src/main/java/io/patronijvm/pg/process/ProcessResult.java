package io.patronijvm.pg.process;

import java.util.List;

/**
 * How a finished child process ended.
 *
 * @param exitCode the exit status
 * @param output   the last lines of its combined stdout and stderr (bounded, for error messages)
 */
public record ProcessResult(int exitCode, List<String> output) {
    public ProcessResult {
        output = List.copyOf(output);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** The last {@code n} output lines joined, for an exception message. */
    public String tail(int n) {
        int from = Math.max(0, output.size() - n);
        return String.join("\n", output.subList(from, output.size()));
    }
}
