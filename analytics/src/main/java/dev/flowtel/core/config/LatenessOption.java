package dev.flowtel.core.config;

import java.io.Serializable;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --allowed-lateness}: how late a flow may still revise its traffic window. */
public final class LatenessOption implements Serializable {

  private static final long serialVersionUID = 1L;

  @Option(names = "--allowed-lateness", defaultValue = "30s", converter = DurationOption.class,
      description = "Flows this late still update their window (a new revision); later ones go to the DLQ as 'late'.")
  Duration allowedLateness;

  public Duration allowedLateness() {
    return allowedLateness;
  }
}
