package io.patronijvm.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way a POSIX shell does (and Patroni's {@code shlex.split}):
 * single quotes keep everything literal, double quotes keep spaces and honour backslash before
 * {@code \ " $ `}, a backslash outside quotes escapes the next character. No variable expansion,
 * no globbing: a configured command such as {@code psql -w -c "SELECT 1"} becomes three arguments.
 */
public final class ShellWords {
    private ShellWords() {
    }

    /** @throws IllegalArgumentException on an unclosed quote or a trailing backslash, naming the command */
    public static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("no closing single quote in command: " + command);
                }
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(command, i + 1, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("trailing backslash in command: " + command);
                }
                word.append(command.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Appends the content of a double-quoted part starting at {@code from}; returns the index after the quote. */
    private static int doubleQuoted(String command, int from, StringBuilder word) {
        int i = from;
        while (i < command.length()) {
            char c = command.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < command.length() && "\\\"$`\n".indexOf(command.charAt(i + 1)) >= 0) {
                word.append(command.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("no closing double quote in command: " + command);
    }
}
