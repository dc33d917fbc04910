package dev.flowtel.cli;

import java.time.Duration;
import java.time.Instant;

/** Status lines while something starts, each with the seconds since the command began. */
final class Progress {

  private final Instant begin = Instant.now();

  void step(String message) {
    long millis = Duration.between(begin, Instant.now()).toMillis();
    System.out.printf("[%5.1fs] %s%n", millis / 1000.0, message);
    System.out.flush();
  }
}
