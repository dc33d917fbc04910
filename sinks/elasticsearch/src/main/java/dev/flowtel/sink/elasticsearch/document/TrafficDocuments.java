package dev.flowtel.sink.elasticsearch.document;

import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.sink.elasticsearch.identity.DocumentIds;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Duration;
import java.util.List;

/**
 * ServiceTraffic as an ECS metric document in the traffic index of its window's day. The id
 * depends on the edge and the window only, not the revision, so a revision overwrites; the
 * revision is the external version, so a stale lower revision arriving late changes nothing.
 * The mergeable sketches are not written: rollups happen in the stream, not in Elasticsearch.
 *
 * <p>The edge of a client's failed connection attempts (ports folded, see {@code
 * core.traffic.FailedAttempts}) has no {@code destination.port}, is named {@code tcp/*}, and
 * carries {@code flowtel.attempts.*}; every other edge's document is exactly what it was.
 */
public final class TrafficDocuments implements DocumentBuilder<ServiceTraffic> {

  private static final long serialVersionUID = 1L;
  private final IndexNames names;

  public TrafficDocuments(IndexNames names) {
    this.names = names;
  }

  @Override
  public IndexDocument build(ServiceTraffic t) {
    EdgeEndpoint src = t.getSource();
    EdgeEndpoint dst = t.getDestination();
    String transport = Ecs.transport(t.getProtocol());
    DocumentFields f = new DocumentFields()
        .put("@timestamp", t.getWindowStart().toString())
        .put("ecs.version", Ecs.VERSION)
        .put("event.kind", "metric")
        .put("event.category", List.of("network"))
        .put("event.type", List.of("connection", "info"))
        .put("event.module", "flowtel")
        .put("event.dataset", "flowtel.traffic")
        .put("event.start", t.getWindowStart().toString())
        .put("event.end", t.getWindowEnd().toString())
        .put("event.duration", Duration.between(t.getWindowStart(), t.getWindowEnd()).toNanos())
        .put("source.bytes", t.getBytesToDestination())
        .put("source.packets", t.getPacketsToDestination())
        .put("destination.port", t.getPortsFolded() ? null : t.getDestinationPort())
        .put("destination.bytes", t.getBytesToSource())
        .put("destination.packets", t.getPacketsToSource())
        .put("network.transport", transport)
        .put("network.iana_number", Integer.toString(t.getProtocol()))
        .put("network.bytes", t.getBytesToDestination() + t.getBytesToSource())
        .put("network.packets", t.getPacketsToDestination() + t.getPacketsToSource())
        .put("network.direction", Ecs.direction(src, dst));
    Ecs.putWorkload(f, src.getNamespace(), src.getKind(), src.getName());
    f.put("flowtel.edge.id", edgeId(t))
        .put("flowtel.edge.name", edgeName(src, dst, t.getProtocol(), port(t)));
    Ecs.putEdgeEndpoint(f, "source", src);
    Ecs.putEdgeEndpoint(f, "destination", dst);
    f.put("flowtel.flows", t.getFlows())
        .put("flowtel.connections.opened", t.getConnectionsOpened())
        .put("flowtel.connections.closed", t.getConnectionsClosed())
        .put("flowtel.tcp.resets", t.getTcpResets())
        .put("flowtel.drops", t.getDrops())
        .put("flowtel.distinct_source_pods", t.getDistinctSourcePods())
        .put("flowtel.rtt.p50_us", t.getRttP50Micros())
        .put("flowtel.rtt.p90_us", t.getRttP90Micros())
        .put("flowtel.rtt.p99_us", t.getRttP99Micros())
        .put("flowtel.revision", t.getRevision());
    if (t.getPortsFolded()) {
      f.put("flowtel.attempts.failed", t.getFailedAttempts())
          .put("flowtel.attempts.distinct_destination_ports", t.getDistinctDestinationPorts())
          .put("flowtel.attempts.distinct_destination_addresses", t.getDistinctDestinationAddresses());
    }
    return new IndexDocument(names.trafficIndex(t.getWindowStart()), documentId(t), (long) t.getRevision(), f.toMap());
  }

  /** The edge: both ends, destination port ({@code *} when folded) and protocol; the same for every window. */
  public static String edgeId(ServiceTraffic t) {
    return edgeId(t.getSource(), t.getDestination(), port(t), t.getProtocol());
  }

  /**
   * {@code flowtel.edge.id} of any document about an edge ({@code port} as ids spell it), so a
   * staged verdict's document names the edge exactly as the traffic documents of its window do.
   */
  public static String edgeId(EdgeEndpoint s, EdgeEndpoint d, String port, int protocol) {
    return DocumentIds.of("edge", s.getNamespace(), s.getKind(), s.getName(), d.getNamespace(), d.getKind(), d.getName(), port, protocol);
  }

  /**
   * {@code flowtel.edge.name}, what dashboards group by: e.g. {@code shop/Deployment/web -> shop/Service/api tcp/8080};
   * {@code port} as ids spell it ({@code *} for the edge of failed attempts).
   */
  public static String edgeName(EdgeEndpoint source, EdgeEndpoint destination, int protocol, String port) {
    return Ecs.endpointId(source) + " -> " + Ecs.endpointId(destination) + " " + Ecs.transport(protocol) + "/" + port;
  }

  /** The port as ids and names spell it: its number, or {@code *} for the edge of failed attempts. */
  private static String port(ServiceTraffic t) {
    return t.getPortsFolded() ? "*" : Integer.toString(t.getDestinationPort());
  }

  /** The edge and the window (start and size), not the revision. */
  public static String documentId(ServiceTraffic t) {
    return DocumentIds.of("traffic", edgeId(t), t.getWindowStart().toEpochMilli(),
        t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli());
  }
}
