package dev.flowtel.simulator.episode;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One anomaly to inject: its type, when it starts (after the simulation's start), how long it
 * lasts, and optionally its target workload ("namespace/name"; for POLICY_CHANGE the server whose
 * policy is deleted). A null target lets the simulator pick a suitable one from the seed.
 */
public record EpisodeSpec(EpisodeType type, Duration startOffset, Duration duration, String target) {

  public EpisodeSpec {
    Objects.requireNonNull(type, "episode type");
    if (startOffset == null || startOffset.isNegative()) {
      throw new IllegalArgumentException(type + " episode: start offset " + startOffset + " must be zero or positive");
    }
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(type + " episode: duration " + duration + " must be positive");
    }
  }

  /**
   * Parses {@code TYPE@offset+duration[:namespace/workload]}, e.g. {@code PORT_SCAN@10m+30s} or
   * {@code NEW_EDGE@1h+5m:shop/web}; offsets and durations as 500ms, 30s, 5m, 2h or ISO-8601.
   */
  public static EpisodeSpec parse(String text) {
    String where = "episode \"" + text + "\"";
    int at = text.indexOf('@');
    int plus = text.indexOf('+', at + 1);
    if (at < 0 || plus < 0) {
      throw new IllegalArgumentException(where + ": write TYPE@offset+duration[:namespace/workload], e.g. PORT_SCAN@10m+30s");
    }
    int colon = text.indexOf(':', plus + 1);
    EpisodeType type;
    try {
      type = EpisodeType.valueOf(text.substring(0, at).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": unknown type; one of " + java.util.Arrays.toString(EpisodeType.values()), e);
    }
    Duration offset = parseDuration(text.substring(at + 1, plus), where);
    Duration length = parseDuration(colon < 0 ? text.substring(plus + 1) : text.substring(plus + 1, colon), where);
    String target = colon < 0 ? null : text.substring(colon + 1).trim();
    return new EpisodeSpec(type, offset, length, target);
  }

  static Duration parseDuration(String value, String where) {
    String t = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      switch (t.charAt(t.length() - 1)) {
        case 's': return Duration.ofSeconds(n);
        case 'm': return Duration.ofMinutes(n);
        case 'h': return Duration.ofHours(n);
        case 'd': return Duration.ofDays(n);
        default: return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      }
    } catch (RuntimeException e) {
      try {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException again) {
        throw new IllegalArgumentException(where + ": '" + value + "' is not a duration: write e.g. 500ms, 30s, 5m or 1h", again);
      }
    }
  }
}
