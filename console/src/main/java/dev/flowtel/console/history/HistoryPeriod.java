package dev.flowtel.console.history;

import java.time.Instant;
import java.util.Objects;

/**
 * The stretch of history a policy question is asked about, {@code [since, until)}: traffic
 * windows that start in it, anomalies open at any moment of it.
 */
public record HistoryPeriod(Instant since, Instant until) {

  public HistoryPeriod {
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(until, "until");
    if (!since.isBefore(until)) {
      throw new IllegalArgumentException("the period is empty: since " + since + " is not before until " + until);
    }
  }
}
