package dev.flowtel.console.anomaly;

import dev.flowtel.console.query.BadQueryException;
import java.util.Locale;
import java.util.Set;

/** Which anomalies a request asks for; null means any. */
public record AnomalyFilter(String type, String severity, int limit) {

  public static final int DEFAULT_LIMIT = 200;
  public static final int MAX_LIMIT = 2_000;
  private static final Set<String> SEVERITIES = Set.of("INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL");

  public AnomalyFilter {
    type = blankToNull(type);
    severity = blankToNull(severity);
    if (type != null && !type.matches("[A-Z_]+")) {
      throw new BadQueryException("type \"" + type + "\": expected an anomaly type such as PORT_SCAN");
    }
    if (severity != null && !SEVERITIES.contains(severity)) {
      throw new BadQueryException("severity \"" + severity + "\": expected one of " + SEVERITIES);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new BadQueryException("limit " + limit + ": expected 1 to " + MAX_LIMIT);
    }
  }

  public static AnomalyFilter any() {
    return new AnomalyFilter(null, null, DEFAULT_LIMIT);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.toUpperCase(Locale.ROOT);
  }
}
