package dev.flowtel.core.config;

import java.io.Serializable;
import java.time.Duration;
import picocli.CommandLine.Mixin;

/**
 * The traffic aggregation's windowing as both engines take it (a picocli mixin of mixins):
 * {@code --window}, {@code --rollup}, {@code --max-out-of-orderness}, {@code --idleness} and
 * {@code --allowed-lateness}, with the same names and defaults so that both give the same results.
 */
public final class TrafficWindowOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  @Mixin
  WindowOption window = new WindowOption();

  @Mixin
  RollupOption rollup = new RollupOption();

  @Mixin
  EventTimeOptions eventTime = new EventTimeOptions();

  @Mixin
  LatenessOption lateness = new LatenessOption();

  public Duration window() {
    return window.window();
  }

  public Duration rollup() {
    return rollup.rollup();
  }

  public Duration maxOutOfOrderness() {
    return eventTime.maxOutOfOrderness();
  }

  public Duration idleness() {
    return eventTime.idleness();
  }

  public Duration allowedLateness() {
    return lateness.allowedLateness();
  }
}
