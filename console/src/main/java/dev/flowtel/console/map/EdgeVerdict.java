package dev.flowtel.console.map;

import dev.flowtel.console.query.BadQueryException;
import java.util.Locale;

/**
 * How the policies in force judged an edge's traffic over the range, as the detection job found
 * it (it judges every flow with the NetworkPolicy engine): a POLICY_VIOLATION anomaly means traffic
 * flowed that the policies deny; dropped packets or a DENIED_SPIKE mean traffic was denied.
 */
public enum EdgeVerdict {
  ALLOWED, DENIED, VIOLATION;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EdgeVerdict of(String label) {
    for (EdgeVerdict verdict : values()) {
      if (verdict.label().equals(label)) {
        return verdict;
      }
    }
    throw new BadQueryException("verdict \"" + label + "\": expected allowed, denied or violation");
  }
}
