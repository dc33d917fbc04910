package dev.flowtel.sink.elasticsearch.index;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Names of every index, template and alias, all starting with one prefix ({@value #DEFAULT_PREFIX}
 * by default; tests use their own). Documents go to time-based indices chosen by the record's own
 * event time, never by arrival time, so a revision always lands in the index of its first version:
 * traffic, staged verdicts and flows per UTC day of the window start (flow end), anomalies per UTC
 * month of first sight.
 */
public record IndexNames(String prefix) implements Serializable {

  public static final String DEFAULT_PREFIX = "flowtel-";
  private static final Pattern VALID_PREFIX = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy.MM").withZone(ZoneOffset.UTC);

  public IndexNames {
    if (prefix == null || !VALID_PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("index prefix \"" + prefix
          + "\" is not usable in index names: use lower-case letters, digits, '-', '_' or '.', not starting with one of the last three");
    }
  }

  public static IndexNames defaults() {
    return new IndexNames(DEFAULT_PREFIX);
  }

  /** The kinds of index Flowtel writes. */
  public enum Kind {
    TRAFFIC("traffic"), ANOMALIES("anomalies"), FLOWS("flows"), STAGED_VERDICTS("staged-verdicts"), DNS("dns");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    public String suffix() {
      return suffix;
    }
  }

  public String trafficIndex(Instant windowStart) {
    return prefix + "traffic-" + DAY.format(windowStart);
  }

  public String anomaliesIndex(Instant firstSeen) {
    return prefix + "anomalies-" + MONTH.format(firstSeen);
  }

  /** Staged policy verdicts per UTC day of their window, like the traffic windows they judge. */
  public String stagedVerdictsIndex(Instant windowStart) {
    return prefix + "staged-verdicts-" + DAY.format(windowStart);
  }

  /** DNS transactions per UTC day of their query, like the flows beside them. */
  public String dnsIndex(Instant queryTime) {
    return prefix + "dns-" + DAY.format(queryTime);
  }

  public String flowsIndex(Instant flowEnd) {
    return prefix + "flows-" + DAY.format(flowEnd);
  }

  /** Pattern matching every index of the kind, e.g. {@code flowtel-traffic-*}; the Kibana data views use it. */
  public String pattern(Kind kind) {
    return prefix + kind.suffix() + "-*";
  }

  /** Alias that every index of the kind joins, e.g. {@code flowtel-traffic}, for queries. */
  public String alias(Kind kind) {
    return prefix + kind.suffix();
  }

  public String indexTemplate(Kind kind) {
    return prefix + kind.suffix();
  }

  /** The shared ECS mappings every index template is composed of. */
  public String ecsComponentTemplate() {
    return prefix + "ecs-mappings";
  }

  public String settingsComponentTemplate() {
    return prefix + "settings";
  }

  public String lifecyclePolicy(Kind kind) {
    return prefix + kind.suffix();
  }
}
