package io.patronijvm.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A {@code NNNNNNNN.history} file: one line per ancestor timeline, {@code tli<TAB>switch LSN<TAB>reason}.
 * Comment and blank lines are skipped.
 */
public record TimelineHistory(List<Entry> entries) {

    public record Entry(int timeline, long switchLsn) {
    }

    public TimelineHistory {
        entries = List.copyOf(entries);
    }

    public static TimelineHistory parse(String content) {
        List<Entry> out = new ArrayList<>();
        for (String line : content.split("\n")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts.length >= 2) {
                out.add(new Entry(Integer.parseInt(parts[0]), Lsn.parse(parts[1])));
            }
        }
        return new TimelineHistory(out);
    }

    /** The LSN at which {@code timeline} was left for the next one, if it is an ancestor. */
    public OptionalLong switchPointOf(int timeline) {
        return entries.stream().filter(e -> e.timeline() == timeline).mapToLong(Entry::switchLsn).findFirst();
    }
}
