package dev.flowtel.core.config;

import java.io.Serializable;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --window}, the tumbling window of the traffic aggregation, as every program that sets it takes it. */
public final class WindowOption implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--window", defaultValue = "10s", converter = DurationOption.class, description = "Tumbling window length.")
  Duration window;

  public Duration window() {
    return window;
  }
}
