package dev.flowtel.sink.elasticsearch.document;

import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.NetworkClass;
import java.util.Locale;
import java.util.Set;

/** Elastic Common Schema vocabulary: the values ECS expects for Flowtel's protocol numbers, directions and endpoints. */
public final class Ecs {

  static final String VERSION = "8.11.0";
  private static final Set<NetworkClass> IN_CLUSTER =
      Set.of(NetworkClass.POD, NetworkClass.SERVICE, NetworkClass.NODE, NetworkClass.CLUSTER, NetworkClass.LOOPBACK);

  private Ecs() {}

  /** {@code network.transport}: the lower-case IANA keyword, or the number when ECS has no name for it. */
  public static String transport(int protocol) {
    return switch (protocol) {
      case 1 -> "icmp";
      case 6 -> "tcp";
      case 17 -> "udp";
      case 58 -> "ipv6-icmp";
      case 132 -> "sctp";
      default -> Integer.toString(protocol);
    };
  }

  /**
   * {@code network.direction} of an edge from the network classes of its ends: internal when both
   * are in the cluster, outbound when only the source is, inbound when only the destination is.
   */
  static String direction(EdgeEndpoint source, EdgeEndpoint destination) {
    boolean from = inCluster(source);
    boolean to = inCluster(destination);
    if (from && to) {
      return "internal";
    }
    if (from) {
      return "outbound";
    }
    if (to) {
      return "inbound";
    }
    return source == null || destination == null ? "unknown" : "external";
  }

  private static boolean inCluster(EdgeEndpoint endpoint) {
    if (endpoint == null) {
      return false;
    }
    if (!"External".equals(endpoint.getKind()) && endpoint.getNetworkClass() == NetworkClass.UNKNOWN) {
      return true;
    }
    return IN_CLUSTER.contains(endpoint.getNetworkClass());
  }

  /** A stable identity of an edge end for terms aggregations: {@code namespace/Kind/name}, or {@code Kind/name} outside namespaces. */
  public static String endpointId(EdgeEndpoint endpoint) {
    return (endpoint.getNamespace() == null ? "" : endpoint.getNamespace() + "/") + endpoint.getKind() + "/" + endpoint.getName();
  }

  /** {@code flowtel.<side>.*} of an edge end. */
  static void putEdgeEndpoint(DocumentFields fields, String side, EdgeEndpoint endpoint) {
    if (endpoint == null) {
      return;
    }
    fields.put("flowtel." + side + ".id", endpointId(endpoint))
        .put("flowtel." + side + ".namespace", endpoint.getNamespace())
        .put("flowtel." + side + ".kind", endpoint.getKind())
        .put("flowtel." + side + ".name", endpoint.getName())
        .put("flowtel." + side + ".network_class", endpoint.getNetworkClass().name());
  }

  /**
   * {@code orchestrator.*} and {@code kubernetes.*} as Elastic Agent writes them, for the workload
   * the event is about. Flowtel always describes the source workload there (the sender, the scanner,
   * the violator); the destination is under {@code flowtel.destination.*}.
   */
  static void putWorkload(DocumentFields fields, String namespace, String kind, String name) {
    if (kind == null || name == null || "External".equals(kind)) {
      return;
    }
    fields.put("orchestrator.type", "kubernetes")
        .put("orchestrator.namespace", namespace)
        .put("orchestrator.resource.type", kind.toLowerCase(Locale.ROOT))
        .put("orchestrator.resource.name", name)
        .put("kubernetes.namespace", namespace);
    String kubernetesField = switch (kind) {
      case "Deployment" -> "kubernetes.deployment.name";
      case "StatefulSet" -> "kubernetes.statefulset.name";
      case "DaemonSet" -> "kubernetes.daemonset.name";
      case "CronJob" -> "kubernetes.cronjob.name";
      case "Job" -> "kubernetes.job.name";
      case "Pod" -> "kubernetes.pod.name";
      case "Service" -> "kubernetes.service.name";
      case "Node" -> "kubernetes.node.name";
      default -> null;
    };
    if (kubernetesField != null) {
      fields.put(kubernetesField, name);
    }
  }

  /** {@code event.severity}: 1 (info) to 5 (critical), 0 when unknown. */
  static int severityNumber(dev.flowtel.schema.Severity severity) {
    return switch (severity) {
      case INFO -> 1;
      case LOW -> 2;
      case MEDIUM -> 3;
      case HIGH -> 4;
      case CRITICAL -> 5;
      case UNKNOWN -> 0;
    };
  }
}
