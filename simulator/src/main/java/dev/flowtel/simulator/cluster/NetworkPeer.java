package dev.flowtel.simulator.cluster;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.NetworkClass;
import java.util.List;
import java.util.Map;

/**
 * One address that sends or receives flows (a pod or an external host), with everything a flow
 * needs about it built once: address bytes and the enrichment {@link Endpoint}s. Generating
 * millions of flows a second depends on this: flows share these objects instead of building
 * strings and maps per flow, so consumers must treat a flow's endpoints as read-only.
 */
public final class NetworkPeer {

  private final int address;
  private final byte[] addressBytes;
  private final String id;
  private final Pod pod;
  private final ExternalHost external;
  private final Endpoint asClient;
  private final Endpoint asServer;

  private NetworkPeer(int address, String id, Pod pod, ExternalHost external, Endpoint asClient, Endpoint asServer) {
    this.address = address;
    this.addressBytes = Ipv4.bytes(address);
    this.id = id;
    this.pod = pod;
    this.external = external;
    this.asClient = asClient;
    this.asServer = asServer;
  }

  /** A pod; {@code services} are the Services selecting it, listed on flows that use one of its container ports. */
  static NetworkPeer ofPod(Pod pod, List<String> services) {
    Workload w = pod.workload();
    Endpoint client = podEndpoint(pod, List.of());
    Endpoint server = services.isEmpty() ? client : podEndpoint(pod, services);
    return new NetworkPeer(pod.address(), w.id(), pod, null, client, server);
  }

  static NetworkPeer ofExternal(ExternalHost host) {
    Endpoint endpoint = Endpoint.newBuilder().setKind(EndpointKind.EXTERNAL).setNetworkClass(host.networkClass()).build();
    return new NetworkPeer(host.address(), host.id(), null, host, endpoint, endpoint);
  }

  /**
   * An address in the pod CIDR that no pod holds, for sweeps: enrichment knows only its class.
   * Built per use; sweeps are slow enough for that.
   */
  public static NetworkPeer unassigned(int address) {
    Endpoint endpoint = Endpoint.newBuilder().setKind(EndpointKind.UNKNOWN).setNetworkClass(NetworkClass.POD).build();
    return new NetworkPeer(address, "unassigned/" + Ipv4.format(address), null, null, endpoint, endpoint);
  }

  private static Endpoint podEndpoint(Pod pod, List<String> services) {
    Workload w = pod.workload();
    Map<String, String> labels = w.labels();
    return new Endpoint(EndpointKind.POD, w.namespace(), pod.name(), w.kind().kubernetesName(), w.name(), services,
        labels, pod.node().name(), false, NetworkClass.POD, null);
  }

  public int address() {
    return address;
  }

  /** Shared; never modify. Wrap it in a fresh ByteBuffer per flow (see FlowWriter). */
  public byte[] addressBytes() {
    return addressBytes;
  }

  /** namespace/workload for pods, external/name for external hosts. */
  public String id() {
    return id;
  }

  public boolean inCluster() {
    return pod != null;
  }

  /** Null for external hosts. */
  public Pod pod() {
    return pod;
  }

  /** Null for pods. */
  public ExternalHost external() {
    return external;
  }

  /** The endpoint on flows where this peer uses an ephemeral port (services empty). */
  public Endpoint asClient() {
    return asClient;
  }

  /** The endpoint on flows to or from one of its container ports (services filled). */
  public Endpoint asServer() {
    return asServer;
  }

  @Override
  public String toString() {
    return pod != null ? pod.workload().namespace() + "/" + pod.name() + " " + Ipv4.format(address)
        : id + " " + Ipv4.format(address);
  }
}
