package dev.flowtel.simulator.policy;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.ServiceTraffic;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flows summed into observed edges in-process, as the pipeline would: each flow classified by the
 * core onto its service edge (every port its own edge, as the flows topic keeps them), counted by
 * the traffic accumulator, with the remote addresses of external and node ends taken from the flows.
 */
final class ObservedHistory {

  private final FlowClassifier classifier = new FlowClassifier();
  private final Map<String, Edge> edges = new HashMap<>();

  private static final class Edge {
    final ServiceEdge edge;
    final TrafficAccumulator traffic = new TrafficAccumulator();
    final Set<IpAddress> addresses = new HashSet<>();
    Instant first;
    Instant last;

    Edge(ServiceEdge edge) {
      this.edge = edge;
    }
  }

  void add(FlowEvent flow) {
    var classified = classifier.classify(flow);
    if (classified.isEmpty()) {
      return;
    }
    ClassifiedFlow c = classified.get();
    Edge e = edges.computeIfAbsent(c.edgeKey(), k -> new Edge(ServiceEdge.fromKey(k)));
    e.traffic.add(c);
    Instant at = flow.getFlowEnd();
    e.first = e.first == null || at.isBefore(e.first) ? at : e.first;
    e.last = e.last == null || at.isAfter(e.last) ? at : e.last;
    ByteBuffer client = c.reply() ? flow.getDstAddr() : flow.getSrcAddr();
    ByteBuffer server = c.reply() ? flow.getSrcAddr() : flow.getDstAddr();
    if (e.edge.source().outsideCluster()) {
      e.addresses.add(IpAddress.ofBytes(client.duplicate()));
    }
    if (e.edge.destination().outsideCluster()) {
      e.addresses.add(IpAddress.ofBytes(server.duplicate()));
    }
  }

  List<ObservedEdge> edges() {
    List<ObservedEdge> out = new ArrayList<>();
    for (Edge e : edges.values()) {
      ServiceTraffic t = e.traffic.toServiceTraffic(e.first.toEpochMilli(), e.last.toEpochMilli() + 1, 0);
      out.add(new ObservedEdge(e.edge, t.getFlows(), t.getBytesToDestination() + t.getBytesToSource(), t.getConnectionsOpened(),
          t.getFailedAttempts(), t.getDrops(), e.first, e.last, e.addresses));
    }
    return out;
  }
}
