package io.patronijvm.agent.ctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The framed table patronictl prints (PrettyTable with one space of padding, {@code +-|}
 * borders, cells left-aligned unless named in {@code rightAligned}, multi-line cells top-aligned).
 * A rule under every row when any cell spans several lines, else only around the header and at
 * the end. {@code title} ({@code " Cluster: demo "}) is written into the top border after the
 * first corner, cut to fit.
 */
final class TextTable {

    private TextTable() {
    }

    static String render(List<String> columns, List<List<String>> rows, Set<String> rightAligned, String title) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
        }
        boolean multiLine = false;
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                for (String line : row.get(i).split("\n", -1)) {
                    widths[i] = Math.max(widths[i], line.length());
                }
                multiLine |= row.get(i).contains("\n");
            }
        }
        String rule = rule(widths);
        StringBuilder sb = new StringBuilder();
        sb.append(title == null || title.isEmpty() ? rule : withTitle(rule, title)).append('\n');
        line(sb, columns, widths, columns, rightAligned);
        sb.append(rule).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            List<String[]> cells = new ArrayList<>();
            int height = 1;
            for (String cell : row) {
                String[] lines = cell.split("\n", -1);
                cells.add(lines);
                height = Math.max(height, lines.length);
            }
            for (int h = 0; h < height; h++) {
                List<String> parts = new ArrayList<>();
                for (String[] lines : cells) {
                    parts.add(h < lines.length ? lines[h] : "");
                }
                line(sb, parts, widths, columns, rightAligned);
            }
            if (multiLine && r < rows.size() - 1) {
                sb.append(rule).append('\n');
            }
        }
        sb.append(rule);
        return sb.toString();
    }

    private static String rule(int[] widths) {
        StringBuilder sb = new StringBuilder("+");
        for (int w : widths) {
            sb.append("-".repeat(w + 2)).append('+');
        }
        return sb.toString();
    }

    private static String withTitle(String rule, String title) {
        String t = title.length() > rule.length() - 2 ? title.substring(0, rule.length() - 2) : title;
        return rule.charAt(0) + t + rule.substring(1 + t.length());
    }

    private static void line(StringBuilder sb, List<String> parts, int[] widths, List<String> columns,
                             Set<String> rightAligned) {
        sb.append('|');
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            String pad = " ".repeat(widths[i] - p.length());
            sb.append(' ').append(rightAligned.contains(columns.get(i)) ? pad + p : p + pad).append(" |");
        }
        sb.append('\n');
    }
}
