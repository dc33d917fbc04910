package dev.flowtel.core.config;

import java.io.Serializable;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --rollup}, the longer windows the traffic aggregation computes beside the base windows. */
public final class RollupOption implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--rollup", defaultValue = "1m", converter = DurationOption.class,
      description = "Length of the rollup windows computed beside the base windows; 0 turns the rollup off.")
  Duration rollup;

  public Duration rollup() {
    return rollup;
  }
}
