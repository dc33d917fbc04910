package dev.flowtel.simulator.cluster;

/** A Kubernetes node with its own /24 of the pod CIDR; {@code podSubnet} is the subnet's first address. */
public record Node(String name, int index, int address, int podSubnet) {

  /** The node's uplink, where traffic to and from outside the cluster is observed. */
  public static final String UPLINK = "eth0";
  public static final int UPLINK_INDEX = 2;
}
