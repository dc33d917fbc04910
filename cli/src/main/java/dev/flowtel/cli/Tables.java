package dev.flowtel.cli;

import java.io.PrintWriter;
import java.util.List;

/** Plain-text tables for the terminal: columns as wide as their widest cell, two spaces apart. */
final class Tables {

  private Tables() {}

  /** Prints the rows, the first being the header. */
  static void print(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder line = new StringBuilder();
    for (String[] row : rows) {
      line.setLength(0);
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
  }
}
