package dev.flowtel.console.live;

import java.time.Instant;

/**
 * One window of one edge at the highest revision read so far.
 *
 * @param sizeNanos the window's size, as {@code event.duration}: base windows and rollups differ here
 * @param bytes both directions, as {@code network.bytes}
 */
public record LiveWindow(LiveEdge edge, Instant start, long sizeNanos, int revision, long bytes, long flows, long drops) {

  public Instant end() {
    return start.plusNanos(sizeNanos);
  }
}
