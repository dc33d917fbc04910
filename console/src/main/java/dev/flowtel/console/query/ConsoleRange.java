package dev.flowtel.console.query;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The time ranges the console offers, each ending now. {@code live} is the last two minutes:
 * enough for a few 10 s windows to have become searchable behind the sink's refresh.
 */
public enum ConsoleRange {
  LIVE("live", Duration.ofMinutes(2), false),
  LAST_15_MINUTES("15m", Duration.ofMinutes(15), false),
  LAST_HOUR("1h", Duration.ofHours(1), true),
  LAST_DAY("24h", Duration.ofHours(24), true);

  private final String label;
  private final Duration length;
  private final boolean prefersRollups;

  ConsoleRange(String label, Duration length, boolean prefersRollups) {
    this.label = label;
    this.length = length;
    this.prefersRollups = prefersRollups;
  }

  public String label() {
    return label;
  }

  /**
   * True when the range is long enough to read the coarsest windows (the 1 min rollups): fewer
   * documents, and the same totals, as the rollups sum the windows they cover.
   */
  public boolean prefersRollups() {
    return prefersRollups;
  }

  public TimeSpan endingAt(Instant now) {
    return new TimeSpan(now.minus(length), now);
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(ConsoleRange::label).toList();
  }

  /** The range of a label; the error names the labels there are. */
  public static ConsoleRange of(String label) {
    if (label == null || label.isBlank()) {
      return LAST_15_MINUTES;
    }
    for (ConsoleRange range : values()) {
      if (range.label.equals(label)) {
        return range;
      }
    }
    throw new BadQueryException("range \"" + label + "\": expected one of " + labels());
  }
}
