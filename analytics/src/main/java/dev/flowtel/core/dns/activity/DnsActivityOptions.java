package dev.flowtel.core.dns.activity;

import dev.flowtel.core.config.DnsTopicOption;
import dev.flowtel.core.config.DurationOption;
import dev.flowtel.wire.FlowtelTopics;
import java.io.Serializable;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The DNS activity aggregation as every engine's traffic job takes it (a picocli mixin): whether
 * it runs, its topics, its window and its cap on names. Watermarks and allowed lateness are the
 * traffic job's ({@code --max-out-of-orderness}, {@code --idleness}, {@code --allowed-lateness}).
 */
public final class DnsActivityOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--dns-activity", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Aggregate DNS transactions (--dns-topic) per client workload, name and window into DnsActivity"
          + " (--dns-activity-topic). --no-dns-activity when collectors run with --no-dns.")
  boolean enabled;

  @Mixin
  DnsTopicOption dnsTopic = new DnsTopicOption();

  @Option(names = "--dns-activity-topic", defaultValue = FlowtelTopics.DNS_ACTIVITY,
      description = "Topic to write DnsActivity to.")
  String activityTopic;

  @Option(names = "--dns-window", defaultValue = "1m", converter = DurationOption.class,
      description = "Tumbling window of the DNS activity aggregation.")
  Duration window;

  @Option(names = "--dns-names-per-window", defaultValue = "" + DnsActivityAccumulator.DEFAULT_MAX_NAMES,
      description = "Distinct query names per client and window with a row of their own; the rest are counted,"
          + " exactly, in one row named '(other)'.")
  int namesPerWindow;

  public boolean enabled() {
    return enabled;
  }

  public String dnsTopic() {
    return dnsTopic.dnsTopic();
  }

  public String activityTopic() {
    return activityTopic;
  }

  public Duration window() {
    return window;
  }

  public int namesPerWindow() {
    return namesPerWindow;
  }

  /** Throws with the option's name when a value cannot work. */
  public void check() {
    if (namesPerWindow < 1) {
      throw new IllegalArgumentException("--dns-names-per-window " + namesPerWindow + ": give at least 1");
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("--dns-window " + window + ": give a positive duration");
    }
  }
}
