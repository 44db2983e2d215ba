package dev.tollgate.server.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What every list command prints: a header row, then a row per item, in columns as wide as their
 * widest cell; or, when there is nothing, one sentence that says so (an empty output reads like a
 * failure). Free text (names, descriptions) goes in the last column, so the others split on spaces.
 */
final class Table {

    private static final String NONE = "-";

    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    /** Null and empty cells print as {@code -}, so every row has every column. */
    Table row(Object... cells) {
        if (cells.length != rows.get(0).length) {
            throw new IllegalArgumentException("expected " + rows.get(0).length + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells)
                .map(c -> c == null || c.toString().isEmpty() ? NONE : c.toString())
                .toArray(String[]::new));
        return this;
    }

    void print(PrintWriter out, String whenEmpty) {
        if (rows.size() == 1) {
            out.println(whenEmpty);
            return;
        }
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns - 1; i++) {
                line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            out.println(line.append(row[columns - 1]));
        }
    }
}
