package dev.flowtel.console.query;

import java.time.Instant;

/** A half-open span of event time, [from, to). */
public record TimeSpan(Instant from, Instant to) {

  public TimeSpan {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("empty span: " + from + " to " + to);
    }
  }
}
