package io.patronijvm.pg.process;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way Patroni does ({@code shlex.split}, POSIX rules, no
 * shell): blanks separate words, single quotes keep everything literally, double quotes keep
 * blanks and let a backslash escape only {@code "} and {@code \}, and outside quotes a backslash
 * escapes any character. So {@code --dbname="host=h user=u"} stays one argument.
 */
public final class ShellWords {

    private ShellWords() {
    }

    /** The words of {@code line}; an unclosed quote or a trailing backslash is an error naming the line. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    cur.append(line.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("command ends with an escape character: " + line);
                }
                cur.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("command has an unclosed " + quote + " quote: " + line);
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }
}
