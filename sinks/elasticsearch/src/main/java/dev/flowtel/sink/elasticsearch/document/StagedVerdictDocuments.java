package dev.flowtel.sink.elasticsearch.document;

import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.sink.elasticsearch.identity.DocumentIds;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.time.Duration;
import java.util.List;

/**
 * StagedPolicyVerdict as an ECS metric document in the staged-verdicts index of its window's day:
 * what one staged (never enforced) NetworkPolicy would do to one service edge in one traffic
 * window. The edge is written as the traffic documents write it (same {@code flowtel.edge.id},
 * {@code flowtel.source.*}, {@code flowtel.destination.*}), so a verdict can be put beside the
 * traffic it judged.
 *
 * <p>A verdict is emitted once per window and has no revision: the id is policy, edge and window
 * start, with no external version, so a replayed record overwrites its document with the same
 * content instead of adding a second one.
 */
public final class StagedVerdictDocuments implements DocumentBuilder<StagedPolicyVerdict> {

  private static final long serialVersionUID = 1L;
  private final IndexNames names;

  public StagedVerdictDocuments(IndexNames names) {
    this.names = names;
  }

  @Override
  public IndexDocument build(StagedPolicyVerdict v) {
    EdgeEndpoint src = v.getSource();
    EdgeEndpoint dst = v.getDestination();
    String port = Integer.toString(v.getDestinationPort());
    String edgeName = TrafficDocuments.edgeName(src, dst, v.getProtocol(), port);
    DocumentFields f = new DocumentFields()
        .put("@timestamp", v.getWindowStart().toString())
        .put("ecs.version", Ecs.VERSION)
        .put("message", message(v, edgeName))
        .put("event.kind", "metric")
        .put("event.category", List.of("network"))
        // "info", not "denied": a staged policy is never enforced, nothing was refused.
        .put("event.type", List.of("connection", "info"))
        .put("event.module", "flowtel")
        .put("event.dataset", "flowtel.staged_verdicts")
        .put("event.start", v.getWindowStart().toString())
        .put("event.end", v.getWindowEnd().toString())
        .put("event.duration", Duration.between(v.getWindowStart(), v.getWindowEnd()).toNanos())
        .put("destination.port", v.getDestinationPort())
        .put("network.transport", Ecs.transport(v.getProtocol()))
        .put("network.iana_number", Integer.toString(v.getProtocol()))
        .put("network.direction", Ecs.direction(src, dst));
    Ecs.putWorkload(f, src.getNamespace(), src.getKind(), src.getName());
    f.put("flowtel.edge.id", TrafficDocuments.edgeId(src, dst, port, v.getProtocol()))
        .put("flowtel.edge.name", edgeName);
    Ecs.putEdgeEndpoint(f, "source", src);
    Ecs.putEdgeEndpoint(f, "destination", dst);
    f.put("flowtel.staged.policy.namespace", v.getPolicyNamespace())
        .put("flowtel.staged.policy.name", v.getPolicyName())
        .put("flowtel.staged.policy.id", policyId(v))
        .put("flowtel.staged.would_allow_flows", v.getWouldAllowFlows())
        .put("flowtel.staged.would_deny_flows", v.getWouldDenyFlows())
        .put("flowtel.staged.newly_denied_flows", v.getNewlyDeniedFlows())
        .put("flowtel.staged.newly_allowed_flows", v.getNewlyAllowedFlows())
        .put("flowtel.staged.would_deny_bytes", v.getWouldDenyBytes())
        .put("flowtel.staged.explanation", v.getExplanation());
    return new IndexDocument(names.stagedVerdictsIndex(v.getWindowStart()), documentId(v), null, f.toMap());
  }

  /** {@code flowtel.staged.policy.id}: {@code namespace/name}, as kubectl and the policy commands name a policy. */
  public static String policyId(StagedPolicyVerdict v) {
    return v.getPolicyNamespace() + "/" + v.getPolicyName();
  }

  /**
   * The staged policy, the edge (the traffic documents' edge id: both ends, port, protocol) and the
   * window start: what the record key ({@code StagedPolicyWindows.recordKey}) names, in
   * length-prefixed parts so no two keys share an id.
   */
  public static String documentId(StagedPolicyVerdict v) {
    return DocumentIds.of("staged", v.getPolicyNamespace(), v.getPolicyName(),
        TrafficDocuments.edgeId(v.getSource(), v.getDestination(), Integer.toString(v.getDestinationPort()), v.getProtocol()),
        v.getWindowStart().toEpochMilli());
  }

  /** One line for Discover: what the staged policy would do here, e.g. {@code staged shop/deny-all would deny 3 of 5 connections (2 newly) on ...}. */
  private static String message(StagedPolicyVerdict v, String edgeName) {
    long total = v.getWouldAllowFlows() + v.getWouldDenyFlows();
    StringBuilder m = new StringBuilder("staged ").append(policyId(v)).append(" would deny ").append(v.getWouldDenyFlows())
        .append(" of ").append(total).append(" connections");
    if (v.getNewlyDeniedFlows() > 0 || v.getNewlyAllowedFlows() > 0) {
      m.append(" (").append(v.getNewlyDeniedFlows()).append(" newly denied, ").append(v.getNewlyAllowedFlows()).append(" newly allowed)");
    }
    return m.append(" on ").append(edgeName).toString();
  }
}
