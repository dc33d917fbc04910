package dev.flowtel.console.map;

import dev.flowtel.console.query.BadQueryException;
import java.util.Locale;

/** What edges are weighted and ranked by, and the traffic document field that sums it. */
public enum MapMetric {
  BYTES("network.bytes"), FLOWS("flowtel.flows");

  private final String field;

  MapMetric(String field) {
    this.field = field;
  }

  public String field() {
    return field;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static MapMetric of(String label) {
    if (label == null || label.isBlank()) {
      return BYTES;
    }
    for (MapMetric metric : values()) {
      if (metric.label().equals(label)) {
        return metric;
      }
    }
    throw new BadQueryException("metric \"" + label + "\": expected bytes or flows");
  }
}
