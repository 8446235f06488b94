package io.a4c.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: a header row in capitals, columns padded to their widest cell, two spaces
 * between them, {@code -} for a missing value; the last column is not padded. With no rows it says
 * so in one line instead.
 */
public final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  private Table(List<String> headers) {
    this.headers = headers;
  }

  /** A table with these column headers. */
  public static Table of(String... headers) {
    return new Table(Arrays.stream(headers).map(String::toUpperCase).toList());
  }

  /** Adds a row; {@code null} cells print as {@code -}. */
  public Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          cells.length + " cells for " + headers.size() + " columns");
    }
    rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : String.valueOf(c)).toList());
    return this;
  }

  /** Prints it, or {@code empty} when it has no rows. */
  public void print(PrintWriter out, String empty) {
    if (rows.isEmpty()) {
      out.println(empty);
      return;
    }
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (var row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    print(out, headers, widths);
    rows.forEach(row -> print(out, row, widths));
    out.flush();
  }

  private static void print(PrintWriter out, List<String> cells, int[] widths) {
    var line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - cell.length() + 2));
      }
    }
    out.println(line);
  }
}
