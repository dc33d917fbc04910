package dev.flowtel.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in options: 500ms, 10s, 5m, 1h, 2d, 0, or ISO-8601 (PT10S). Any
 * other number needs its unit, as in Kubernetes manifests: "5" could mean seconds or milliseconds.
 */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Durations() {}

  /** Throws IllegalArgumentException naming the value and the accepted forms. */
  public static Duration parse(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(text);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      if (m.group(2) == null && n != 0) {
        throw new IllegalArgumentException("'" + value + "' needs a unit: ms, s, m, h or d (e.g. " + n + "s)");
      }
      String unit = m.group(2) == null ? "s" : m.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + value + "' is not a duration: write e.g. 500ms, 10s, 5m or 1h");
    }
  }

  /** The shortest of the forms {@link #parse} reads: 90s, 5m, 1h, 250ms. */
  public static String format(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    return s != 0 && s % 3600 == 0 ? s / 3600 + "h" : s != 0 && s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
