package dev.flowtel.core.config;

import java.time.Duration;
import picocli.CommandLine;

/** The picocli converter of every Flowtel program's duration options; see {@link Durations}. */
public final class DurationOption implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
