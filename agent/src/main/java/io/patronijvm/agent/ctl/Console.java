package io.patronijvm.agent.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Questions as patronictl (click) asks them: {@code text [default]: } and {@code text [y/N]: },
 * answered on standard input. End of input aborts the command, as click does.
 */
final class Console {

    /** Input ended before an answer: the command stops with "Aborted!". */
    static final class Aborted extends Exception {
        Aborted() {
            super("Aborted!");
        }
    }

    private final BufferedReader in;
    private final PrintStream out;

    Console(BufferedReader in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    /** {@code default_} null: an answer is required and the question repeats until one is given. */
    String prompt(String text, String default_) throws Aborted {
        while (true) {
            out.print(text + (default_ == null ? "" : " [" + default_ + "]") + ": ");
            out.flush();
            String line = readLine();
            if (!line.isEmpty()) {
                return line;
            }
            if (default_ != null) {
                return default_;
            }
        }
    }

    boolean confirm(String text) throws Aborted {
        while (true) {
            out.print(text + " [y/N]: ");
            out.flush();
            String line = readLine().trim().toLowerCase(Locale.ROOT);
            switch (line) {
                case "y", "yes" -> {
                    return true;
                }
                case "n", "no", "" -> {
                    return false;
                }
                default -> out.println("Error: invalid input");
            }
        }
    }

    private String readLine() throws Aborted {
        try {
            String line = in.readLine();
            if (line == null) {
                out.println();
                throw new Aborted();
            }
            return line;
        } catch (IOException e) {
            throw new Aborted();
        }
    }
}
