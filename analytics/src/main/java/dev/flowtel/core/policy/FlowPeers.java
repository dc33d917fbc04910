package dev.flowtel.core.policy;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The peers of a FlowEvent as the policy engine sees them. Enrichment gives a pod's namespace and
 * labels but not its container ports, so policies with named ports do not match flows judged this
 * way (the verdict then errs towards denied, and its explanation names the policies).
 */
public final class FlowPeers {

  private FlowPeers() {}

  public static Peer source(FlowEvent flow) {
    return peer(flow.getSource(), IpAddress.ofBytes(bytes(flow.getSrcAddr())));
  }

  public static Peer destination(FlowEvent flow) {
    return peer(flow.getDestination(), IpAddress.ofBytes(bytes(flow.getDstAddr())));
  }

  /**
   * A pod when enrichment knew the endpoint as a pod (or a host-network pod) with a namespace;
   * otherwise an address outside the pod network, which only ipBlocks match.
   */
  public static Peer peer(Endpoint endpoint, IpAddress address) {
    if (endpoint != null && endpoint.getNamespace() != null
        && (endpoint.getKind() == EndpointKind.POD || (endpoint.getKind() == EndpointKind.HOST && endpoint.getPod() != null))) {
      boolean hostNetwork = endpoint.getHostNetwork() || endpoint.getKind() == EndpointKind.HOST;
      return new PodInfo(endpoint.getNamespace(), endpoint.getPod(), endpoint.getLabels(), address, Map.of(), hostNetwork);
    }
    return new ExternalPeer(address);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
