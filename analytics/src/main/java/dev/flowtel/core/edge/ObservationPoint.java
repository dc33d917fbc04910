package dev.flowtel.core.edge;

import dev.flowtel.schema.Direction;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.FlowEvent;

/**
 * Which one of the observation points that saw the same packets counts them, so a connection is
 * counted once however many hooks it crossed. A packet is counted where it enters the node
 * network from its sender: at the TC ingress hook of the sending pod's host-side veth, on the
 * sender's node. Packets whose sender is not a pod (a node, hostNetwork pod or external address)
 * are counted where they reach the receiving pod's node: at its uplink's ingress when they come
 * from another machine, or at the receiving pod's veth egress when the sender is that same node.
 * Every other observation (the receiving veth, uplinks in between) is a duplicate. The rule needs
 * no state, so it costs nothing per flow and gives the same answer in every engine.
 */
public final class ObservationPoint {

  private ObservationPoint() {}

  /** True when this observation is the one that counts the flow's packets. */
  public static boolean counts(FlowEvent flow) {
    Direction direction = flow.getDirection();
    if (direction == Direction.UNKNOWN) {
      // The source reports each flow once (as Hubble's per-flow export does after mapping).
      return true;
    }
    String node = flow.getNode();
    Endpoint source = flow.getSource();
    if (isPodOnVeth(source)) {
      return direction == Direction.INGRESS && node.equals(source.getNode());
    }
    Endpoint destination = flow.getDestination();
    if (isPodOnVeth(destination)) {
      if (!node.equals(destination.getNode())) {
        return false;
      }
      boolean fromSameNode = source != null && node.equals(source.getNode());
      return fromSameNode ? direction == Direction.EGRESS : direction == Direction.INGRESS;
    }
    return direction == Direction.INGRESS;
  }

  private static boolean isPodOnVeth(Endpoint endpoint) {
    return endpoint != null && endpoint.getKind() == EndpointKind.POD && !endpoint.getHostNetwork()
        && endpoint.getNode() != null;
  }
}
