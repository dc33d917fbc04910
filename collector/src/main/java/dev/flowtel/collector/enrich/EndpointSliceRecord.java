package dev.flowtel.collector.enrich;

import dev.flowtel.core.policy.IpAddress;
import java.util.List;

/** What enrichment keeps of an EndpointSlice: the Service it belongs to, its addresses and ports. */
public record EndpointSliceRecord(String namespace, String name, String serviceName, List<IpAddress> addresses,
    List<NamedPort> ports, String resourceVersion) {

  public String key() {
    return namespace + "/" + name;
  }
}
