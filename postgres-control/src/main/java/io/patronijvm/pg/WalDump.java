package io.patronijvm.pg;

import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a WAL record ends, from pg_waldump (R37). A checkpoint record's size depends on the
 * server version and the platform, so it is read rather than computed: asked for two records
 * starting at the last one, pg_waldump prints the first and fails on the second, naming the
 * position where it looked for it, which is where the first one ends.
 */
final class WalDump {

    private static final Pattern NO_NEXT = Pattern.compile(
            "error in WAL record at ([0-9A-Fa-f]+/[0-9A-Fa-f]+): invalid record length at ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");

    private WalDump() {
    }

    /**
     * The end of the record at {@code start}, from pg_waldump's output for {@code -s start -n 2}
     * (stdout and stderr together). Empty when the output is not that answer, for instance when
     * another record follows or the WAL file is gone.
     */
    static OptionalLong recordEnd(List<String> output, long start) {
        for (String line : output) {
            Matcher m = NO_NEXT.matcher(line);
            if (m.find() && Lsn.parse(m.group(1)) == start) {
                return OptionalLong.of(Lsn.parse(m.group(2)));
            }
        }
        return OptionalLong.empty();
    }
}
