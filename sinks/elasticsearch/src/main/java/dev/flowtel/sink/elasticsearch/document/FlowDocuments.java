package dev.flowtel.sink.elasticsearch.document;

import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.Verdict;
import dev.flowtel.sink.elasticsearch.identity.DocumentIds;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A raw FlowEvent as an ECS network event in the flows index of its day. Raw flows are many, so
 * they are sampled: {@link #keeps} keeps one flow in {@code sampleOneIn}, chosen by the id so a
 * replay keeps the same flows. The id covers the observation point, the 5-tuple and the interval,
 * so a replayed flow overwrites itself.
 */
public final class FlowDocuments implements DocumentBuilder<FlowEvent> {

  private static final long serialVersionUID = 1L;
  public static final List<String> FLATTENED_FIELDS = List.of("flowtel.source.labels", "flowtel.destination.labels");
  private static final String[] TCP_FLAGS = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

  private final IndexNames names;
  private final int sampleOneIn;

  public FlowDocuments(IndexNames names, int sampleOneIn) {
    if (sampleOneIn < 1) {
      throw new IllegalArgumentException("flow sampling must keep 1 in N flows with N >= 1, got " + sampleOneIn);
    }
    this.names = names;
    this.sampleOneIn = sampleOneIn;
  }

  /** Whether this flow is one of the sampled ones; deterministic, so replays keep the same flows. */
  public boolean keeps(FlowEvent flow) {
    return sampleOneIn == 1 || Long.remainderUnsigned(Long.parseUnsignedLong(documentId(flow).substring(0, 15), 16), sampleOneIn) == 0;
  }

  @Override
  public IndexDocument build(FlowEvent e) {
    String transport = Ecs.transport(e.getProtocol());
    boolean dropped = e.getVerdict() == Verdict.DROPPED;
    DocumentFields f = new DocumentFields()
        .put("@timestamp", e.getFlowEnd().toString())
        .put("ecs.version", Ecs.VERSION)
        .put("event.kind", "event")
        .put("event.category", List.of("network"))
        .put("event.type", List.of("connection", dropped ? "denied" : e.getVerdict() == Verdict.FORWARDED ? "allowed" : "info"))
        .put("event.outcome", dropped ? "failure" : e.getVerdict() == Verdict.FORWARDED ? "success" : "unknown")
        .put("event.module", "flowtel")
        .put("event.dataset", "flowtel.flows")
        .put("event.start", e.getFlowStart().toString())
        .put("event.end", e.getFlowEnd().toString())
        .put("event.duration", Duration.between(e.getFlowStart(), e.getFlowEnd()).toNanos())
        .put("observer.hostname", e.getNode())
        .put("source.ip", EndpointFields.address(e.getSrcAddr()))
        .put("source.port", e.getSrcPort() == 0 ? null : e.getSrcPort())
        .put("source.bytes", e.getBytes())
        .put("source.packets", e.getPackets())
        .put("destination.ip", EndpointFields.address(e.getDstAddr()))
        .put("destination.port", e.getDstPort() == 0 ? null : e.getDstPort())
        // The name the collector saw resolved to an external address (Endpoint.domain), as ECS spells it.
        .put("source.domain", e.getSource() == null ? null : e.getSource().getDomain())
        .put("destination.domain", e.getDestination() == null ? null : e.getDestination().getDomain())
        .put("network.type", e.getIpVersion() == 6 ? "ipv6" : "ipv4")
        .put("network.transport", transport)
        .put("network.iana_number", Integer.toString(e.getProtocol()))
        .put("network.bytes", e.getBytes())
        .put("network.packets", e.getPackets())
        .put("network.community_id", e.getCommunityId())
        .put("network.direction", switch (e.getDirection()) {
          case INGRESS -> "ingress";
          case EGRESS -> "egress";
          case UNKNOWN -> "unknown";
        });
    Endpoint src = e.getSource();
    if (src != null) {
      Ecs.putWorkload(f, src.getNamespace(), src.getWorkloadKind(), src.getWorkloadName());
      f.put("kubernetes.pod.name", src.getPod()).put("kubernetes.node.name", src.getNode());
    }
    putEndpoint(f, "source", src);
    putEndpoint(f, "destination", e.getDestination());
    f.put("flowtel.flow.id", documentId(e))
        .put("flowtel.interface.name", e.getInterfaceName())
        .put("flowtel.interface.index", e.getInterfaceIndex())
        .put("flowtel.tcp.flags", e.getProtocol() == 6 ? e.getTcpFlags() : null)
        .put("flowtel.tcp.flag_names", e.getProtocol() == 6 ? flagNames(e.getTcpFlags()) : null)
        .put("flowtel.icmp.type", e.getIcmpType())
        .put("flowtel.icmp.code", e.getIcmpCode())
        .put("flowtel.drops", e.getDrops())
        .put("flowtel.drop_bytes", e.getDropBytes())
        .put("flowtel.drop_reason", e.getDropReason())
        .put("flowtel.rtt.smoothed_us", e.getTcpRttMicros())
        .put("flowtel.verdict", e.getVerdict().name())
        .put("flowtel.policy_names", e.getPolicyNames())
        .put("flowtel.sampling_rate", e.getSamplingRate())
        .put("flowtel.gso_segments", e.getGsoSegments());
    return new IndexDocument(names.flowsIndex(e.getFlowEnd()), documentId(e), null, f.toMap());
  }

  public static String documentId(FlowEvent e) {
    return DocumentIds.of("flow", e.getNode(), e.getInterfaceIndex(), e.getDirection().name(),
        EndpointFields.bytes(e.getSrcAddr()), EndpointFields.bytes(e.getDstAddr()), e.getSrcPort(), e.getDstPort(), e.getProtocol(),
        e.getFlowStart().toString(), e.getFlowEnd().toString());
  }

  /** The shared ends plus what only the flows mapping has: services on both sides, host network, labels. */
  private static void putEndpoint(DocumentFields f, String side, Endpoint endpoint) {
    if (endpoint == null) {
      return;
    }
    EndpointFields.put(f, side, endpoint);
    String p = EndpointFields.prefix(side);
    f.put(p + "services", endpoint.getServices())
        .put(p + "host_network", endpoint.getHostNetwork())
        .put(p + "labels", new TreeMap<>(endpoint.getLabels()));
  }

  private static List<String> flagNames(int flags) {
    List<String> names = new ArrayList<>();
    for (int bit = 0; bit < TCP_FLAGS.length; bit++) {
      if ((flags & (1 << bit)) != 0) {
        names.add(TCP_FLAGS[bit]);
      }
    }
    return names;
  }
}
