package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import java.util.List;
import java.util.Map;

/**
 * What enrichment keeps of a Service.
 *
 * @param clusterIps empty for a headless Service
 * @param selector null for a Service without selector (its EndpointSlices are managed by hand)
 */
public record ServiceRecord(String namespace, String name, List<IpAddress> clusterIps, List<Port> ports,
    Map<String, String> selector, String resourceVersion) {

  /**
   * One Service port.
   *
   * @param targetPort the number it forwards to, or -1 when {@code targetPortName} names a container port
   */
  public record Port(String name, int port, int protocol, int targetPort, String targetPortName) {}

  public String key() {
    return namespace + "/" + name;
  }

  /** Whether the selector selects {@code labels}; a Service without selector selects nothing by itself. */
  public boolean selects(Map<String, String> labels) {
    if (selector == null || selector.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
