package dev.flowtel.streams.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.ServiceTraffic;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One service edge of a window in the {@code /edges/top} answer: the latest revision of its
 * ServiceTraffic, bytes counted in both directions. The JSON form is what instances send each
 * other, so it round-trips ({@link #toJson()}, {@link #fromJson(JsonNode)}).
 */
public record EdgeRow(String edge, String source, String destination, int destinationPort, int protocol, long bytes,
    long bytesToDestination, long bytesToSource, long flows, long distinctSourcePods, int revision) {

  public static EdgeRow of(ServiceTraffic t) {
    return new EdgeRow(TrafficWindows.edgeKey(t), endpoint(t.getSource()), endpoint(t.getDestination()), t.getDestinationPort(),
        t.getProtocol(), t.getBytesToDestination() + t.getBytesToSource(), t.getBytesToDestination(), t.getBytesToSource(),
        t.getFlows(), t.getDistinctSourcePods(), t.getRevision());
  }

  /** {@code namespace/kind/name}, {@code -} for no namespace (external addresses). */
  static String endpoint(EdgeEndpoint e) {
    return (e.getNamespace() == null ? "-" : e.getNamespace()) + '/' + e.getKind() + '/' + e.getName();
  }

  public Map<String, Object> toJson() {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("edge", edge);
    e.put("source", source);
    e.put("destination", destination);
    e.put("destinationPort", destinationPort);
    e.put("protocol", protocol);
    e.put("bytes", bytes);
    e.put("bytesToDestination", bytesToDestination);
    e.put("bytesToSource", bytesToSource);
    e.put("flows", flows);
    e.put("distinctSourcePods", distinctSourcePods);
    e.put("revision", revision);
    return e;
  }

  public static EdgeRow fromJson(JsonNode e) {
    return new EdgeRow(e.path("edge").asText(), text(e, "source"), text(e, "destination"), e.path("destinationPort").asInt(),
        e.path("protocol").asInt(), e.path("bytes").asLong(), e.path("bytesToDestination").asLong(),
        e.path("bytesToSource").asLong(), e.path("flows").asLong(), e.path("distinctSourcePods").asLong(),
        e.path("revision").asInt());
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
