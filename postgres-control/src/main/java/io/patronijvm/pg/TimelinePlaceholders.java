package io.patronijvm.pg;

import io.patronijvm.core.pg.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * History-file placeholders that make a promotion skip timeline numbers the cluster has already
 * used (docs/rules.md, "Timelines"; see {@link LocalPostgres#promote(java.time.Duration, int)}).
 */
final class TimelinePlaceholders {

    private static final Logger log = LoggerFactory.getLogger(TimelinePlaceholders.class);

    private TimelinePlaceholders() {
    }

    /** {@code pg_wal/00000003.history} for timeline 3. */
    static String fileName(int timeline) {
        return String.format(Locale.ROOT, "%08X.history", timeline);
    }

    /**
     * Writes a placeholder for every timeline above {@code current} up to {@code used} that has no
     * history file yet; returns what it wrote.
     */
    static List<Path> write(Path pgWal, int current, int used) throws PgException {
        List<Path> written = new ArrayList<>();
        if (current <= 0 || used <= current) {
            return written;
        }
        for (int tl = current + 1; tl <= used; tl++) {
            Path f = pgWal.resolve(fileName(tl));
            if (Files.exists(f)) {
                continue;
            }
            try {
                Files.writeString(f, "# timeline " + tl + " was used by another member; placeholder written by "
                        + "patroni-jvm so that this promotion picks a higher number\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                remove(written);
                throw new PgException("cannot write " + f + ": " + e.getMessage(), e);
            }
            written.add(f);
        }
        if (!written.isEmpty()) {
            log.info("timelines {} to {} were used elsewhere: promoting onto {}", current + 1, used, used + 1);
        }
        return written;
    }

    private static void remove(List<Path> placeholders) {
        for (Path f : placeholders) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                log.warn("could not remove the timeline placeholder {}: {}", f, e.getMessage());
            }
        }
    }
}
