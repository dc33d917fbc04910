package dev.flowtel.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowtel.schema.PolicyAnomaly;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One open anomaly in the {@code /anomalies/open} answer (its latest revision; no evidence). The
 * JSON form is what instances send each other, so it round-trips.
 */
public record OpenAnomaly(String id, String type, String severity, Instant firstSeen, Instant lastSeen, String source,
    String destination, Integer destinationPort, String summary, int revision) {

  /** The order of the answer: newest sighting first, then by id. */
  public static final Comparator<OpenAnomaly> NEWEST_FIRST =
      Comparator.comparing(OpenAnomaly::lastSeen).reversed().thenComparing(OpenAnomaly::id);

  public static OpenAnomaly of(PolicyAnomaly a) {
    return new OpenAnomaly(a.getId(), a.getType().name(), a.getSeverity().name(), a.getFirstSeen(), a.getLastSeen(),
        a.getSource() == null ? null : EdgeRow.endpoint(a.getSource()),
        a.getDestination() == null ? null : EdgeRow.endpoint(a.getDestination()), a.getDestinationPort(), a.getSummary(),
        a.getRevision());
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("type", type);
    m.put("severity", severity);
    m.put("firstSeen", firstSeen.toString());
    m.put("lastSeen", lastSeen.toString());
    m.put("source", source);
    m.put("destination", destination);
    m.put("destinationPort", destinationPort);
    m.put("summary", summary);
    m.put("revision", revision);
    return m;
  }

  public static OpenAnomaly fromJson(JsonNode m) {
    JsonNode port = m.get("destinationPort");
    return new OpenAnomaly(m.path("id").asText(), m.path("type").asText(), m.path("severity").asText(),
        Instant.parse(m.path("firstSeen").asText()), Instant.parse(m.path("lastSeen").asText()), EdgeRow.text(m, "source"),
        EdgeRow.text(m, "destination"), port == null || port.isNull() ? null : port.asInt(), EdgeRow.text(m, "summary"),
        m.path("revision").asInt());
  }
}
