package dev.flowtel.core.edge;

import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.EndpointKind;
import dev.flowtel.schema.NetworkClass;
import java.util.List;
import java.util.Objects;

/**
 * One side of a service edge: a workload, a Service, a node, or an external network class. Pod
 * names never appear here, so the number of edges stays that of the call graph, not of the pods.
 */
public record EdgeEnd(String namespace, String kind, String name, NetworkClass networkClass)
    implements java.io.Serializable {

  public static final String SERVICE = "Service";
  public static final String NODE = "Node";
  public static final String EXTERNAL = "External";
  public static final String POD = "Pod";

  public EdgeEnd {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(networkClass, "networkClass");
  }

  /** The calling side: its workload, or what it is when it is no workload. */
  public static EdgeEnd client(Endpoint endpoint) {
    if (endpoint == null) {
      return external(NetworkClass.UNKNOWN);
    }
    EndpointKind kind = endpoint.getKind();
    if (kind == EndpointKind.POD && !endpoint.getHostNetwork()) {
      if (endpoint.getWorkloadName() != null) {
        String workloadKind = endpoint.getWorkloadKind() == null ? POD : endpoint.getWorkloadKind();
        return new EdgeEnd(endpoint.getNamespace(), workloadKind, endpoint.getWorkloadName(), NetworkClass.POD);
      }
      if (endpoint.getPod() != null) {
        return new EdgeEnd(endpoint.getNamespace(), POD, endpoint.getPod(), NetworkClass.POD);
      }
    }
    if (kind == EndpointKind.HOST || endpoint.getHostNetwork()) {
      return new EdgeEnd(null, NODE, endpoint.getNode() == null ? "unknown" : endpoint.getNode(), NetworkClass.NODE);
    }
    return external(endpoint.getNetworkClass());
  }

  /**
   * The called side: the Service that fronts it when there is one (the first by name when several
   * select the pod on that port), else the same as a client.
   */
  public static EdgeEnd server(Endpoint endpoint) {
    if (endpoint != null && endpoint.getKind() == EndpointKind.POD) {
      List<String> services = endpoint.getServices();
      if (!services.isEmpty()) {
        String first = services.size() == 1 ? services.get(0) : services.stream().sorted().findFirst().orElseThrow();
        return new EdgeEnd(endpoint.getNamespace(), SERVICE, first, NetworkClass.SERVICE);
      }
    }
    if (endpoint != null && endpoint.getKind() == EndpointKind.SERVICE && !endpoint.getServices().isEmpty()) {
      return new EdgeEnd(endpoint.getNamespace(), SERVICE, endpoint.getServices().get(0), NetworkClass.SERVICE);
    }
    return client(endpoint);
  }

  public static EdgeEnd external(NetworkClass networkClass) {
    NetworkClass known = networkClass == null ? NetworkClass.UNKNOWN : networkClass;
    return new EdgeEnd(null, EXTERNAL, known.name(), known);
  }

  /** {@code namespace/kind/name}, with {@code -} for no namespace; part of edge keys and document ids. */
  public String key() {
    return (namespace == null ? "-" : namespace) + '/' + kind + '/' + name;
  }

  /** The end of a {@link #key()}; see {@link ServiceEdge#fromKey}. */
  public static EdgeEnd fromKey(String key) {
    String[] parts = key.split("/", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not an edge end key: " + key);
    }
    String namespace = parts[0].equals("-") ? null : parts[0];
    NetworkClass networkClass = switch (parts[1]) {
      case SERVICE -> NetworkClass.SERVICE;
      case NODE -> NetworkClass.NODE;
      case EXTERNAL -> NetworkClass.valueOf(parts[2]);
      default -> NetworkClass.POD;
    };
    return new EdgeEnd(namespace, parts[1], parts[2], networkClass);
  }

  /** An end outside the cluster's pods, known by its addresses: an external network class or a node. */
  public boolean outsideCluster() {
    return EXTERNAL.equals(kind) || NODE.equals(kind);
  }

  public EdgeEndpoint toAvro() {
    return EdgeEndpoint.newBuilder().setNamespace(namespace).setKind(kind).setName(name).setNetworkClass(networkClass).build();
  }

  public static EdgeEnd fromAvro(EdgeEndpoint avro) {
    return new EdgeEnd(avro.getNamespace(), avro.getKind(), avro.getName(), avro.getNetworkClass());
  }
}
