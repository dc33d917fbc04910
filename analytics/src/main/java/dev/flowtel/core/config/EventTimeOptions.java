package dev.flowtel.core.config;

import java.io.Serializable;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --max-out-of-orderness} and {@code --idleness}: how event time advances over flows, with
 * the same names and defaults in both engines so that they give the same results.
 */
public final class EventTimeOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--max-out-of-orderness", defaultValue = "5s", converter = DurationOption.class,
      description = "How far behind the newest flow end the event-time watermark trails.")
  Duration maxOutOfOrderness;

  @Option(names = "--idleness", defaultValue = "30s", converter = DurationOption.class,
      description = "A partition without records this long (wall clock) stops holding back event time, so its windows close.")
  Duration idleness;

  public Duration maxOutOfOrderness() {
    return maxOutOfOrderness;
  }

  public Duration idleness() {
    return idleness;
  }
}
