package dev.flowtel.simulator.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One DNS anomaly to inject: its type, when it starts (after the simulation's start), how long it lasts, and
 * optionally the client workload ("namespace/name"); null lets the seed pick an application workload.
 */
public record DnsEpisodeSpec(DnsEpisodeType type, Duration startOffset, Duration duration, String target) {

  public DnsEpisodeSpec {
    Objects.requireNonNull(type, "DNS episode type");
    if (startOffset == null || startOffset.isNegative()) {
      throw new IllegalArgumentException(type + " episode: start offset " + startOffset + " must be zero or positive");
    }
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(type + " episode: duration " + duration + " must be positive");
    }
  }

  /** Parses {@code TYPE@offset+duration[:namespace/workload]}, e.g. {@code DNS_TUNNEL@10m+3m} or {@code NXDOMAIN_SPIKE@1h+2m:shop/web}. */
  public static DnsEpisodeSpec parse(String text) {
    String where = "DNS episode \"" + text + "\"";
    int at = text.indexOf('@');
    int plus = text.indexOf('+', at + 1);
    if (at < 0 || plus < 0) {
      throw new IllegalArgumentException(where + ": write TYPE@offset+duration[:namespace/workload], e.g. DNS_TUNNEL@10m+3m");
    }
    int colon = text.indexOf(':', plus + 1);
    DnsEpisodeType type;
    try {
      type = DnsEpisodeType.valueOf(text.substring(0, at).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": unknown type; one of " + java.util.Arrays.toString(DnsEpisodeType.values()), e);
    }
    Duration offset = duration(text.substring(at + 1, plus), where);
    Duration length = duration(colon < 0 ? text.substring(plus + 1) : text.substring(plus + 1, colon), where);
    return new DnsEpisodeSpec(type, offset, length, colon < 0 ? null : text.substring(colon + 1).trim());
  }

  /**
   * {@code perType} episodes of each type, alternating, evenly spaced between {@code from} and {@code to} after the
   * start, each {@code length} long: the schedule evaluations use, one episode at a time.
   */
  public static List<DnsEpisodeSpec> evenly(int perType, Duration from, Duration to, Duration length) {
    int count = 2 * perType;
    List<DnsEpisodeSpec> specs = new ArrayList<>(count);
    long span = to.minus(from).toNanos();
    for (int i = 0; i < count; i++) {
      specs.add(new DnsEpisodeSpec(DnsEpisodeType.values()[i % 2], from.plusNanos(span * i / count), length, null));
    }
    return specs;
  }

  private static Duration duration(String value, String where) {
    String t = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException(t);
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": '" + value + "' is not a duration: write e.g. 500ms, 30s, 5m or 1h", e);
    }
  }
}
