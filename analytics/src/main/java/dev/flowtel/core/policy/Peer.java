package dev.flowtel.core.policy;

/** One end of a connection being judged: a pod of the cluster, or an address outside it. */
public sealed interface Peer permits PodInfo, ExternalPeer {

  /** The address, or null when a pod's address is unknown. */
  IpAddress ip();

  /** {@code namespace/pod} or the address, for explanations. */
  String display();
}
