package dev.flowtel.console;

import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The console's one typed configuration.
 *
 * @param bindAddress where the page is served; {@value #DEFAULT_BIND} by default, as the page has
 *     no login of its own: put it behind one before binding it wider
 * @param port {@value #DEFAULT_PORT} by default; 0 picks a free one
 * @param indices the prefix the sink writes with
 * @param anomalyCooldown the detection's cooldown (5 min by default): an anomaly last seen longer ago is closed
 * @param kafka the bootstrap servers shown as the live source, or null
 * @param clock where ranges end; the wall clock but in tests
 */
public record ConsoleSettings(String bindAddress, int port, IndexNames indices, Duration anomalyCooldown, String kafka,
    Clock clock) {

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 9470;

  public ConsoleSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(indices, "indices");
    Objects.requireNonNull(anomalyCooldown, "anomalyCooldown");
    Objects.requireNonNull(clock, "clock");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("console port " + port + ": expected 0 to 65535");
    }
  }
}
