package dev.flowtel.parity;

import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.policy.whatif.EdgeChange;
import dev.flowtel.core.policy.whatif.PolicyReplay;
import dev.flowtel.core.policy.whatif.ReplayReport;
import dev.flowtel.schema.ClusterObjectKind;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A staged default-deny of ingress into one namespace, as {@code flowtel policy stage} would
 * publish it, and the two sides the parity compares for it: the engines' would-deny counts over a
 * period, and {@code policy what-if} over the same period's ServiceTraffic with the staged policy
 * proposed beside the policies in force.
 */
record StagedDefaultDeny(String namespace, Instant stagedAt, NetworkPolicy policy) {

  static final String NAME = "staged-default-deny";

  /** Stages it in the namespace receiving the most request flows from pods of other namespaces, or any, at {@code at}. */
  static StagedDefaultDeny inBusiestNamespace(Map<String, Long> requestsIntoNamespace, Instant at) {
    String busiest = requestsIntoNamespace.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    NetworkPolicy policy = NetworkPolicy.of(busiest, NAME, LabelSelector.EVERYTHING, List.of(PolicyType.Ingress), List.of(),
        List.of());
    return new StagedDefaultDeny(busiest, at, policy);
  }

  ClusterStateRecord record() {
    ClusterState value = ClusterState.newBuilder().setKind(ClusterObjectKind.STAGED_NETWORK_POLICY).setObservedAt(stagedAt)
        .setNetworkPolicy(ClusterStatePolicies.networkPolicyState(policy)).build();
    return new ClusterStateRecord("StagedNetworkPolicy/" + namespace + "/" + NAME, value, stagedAt, null);
  }

  /** The cluster state with this record in observedAt order. */
  List<ClusterStateRecord> addedTo(List<ClusterStateRecord> clusterState) {
    List<ClusterStateRecord> out = new ArrayList<>(clusterState);
    int i = 0;
    while (i < out.size() && !out.get(i).at().isAfter(stagedAt)) {
      i++;
    }
    out.add(i, record());
    return out;
  }

  /** Whether a window lies in the compared period: from the first window after staging to {@code until}. */
  boolean inPeriod(Instant windowStart, Instant until) {
    return !windowStart.isBefore(stagedAt.plusSeconds(60)) && windowStart.isBefore(until);
  }

  /** Would-deny and newly denied connections of the staged policy's verdicts in the period. */
  long[] stagedTotals(Collection<StagedPolicyVerdict> verdicts, Instant until) {
    long[] totals = new long[2];
    for (StagedPolicyVerdict v : verdicts) {
      if (v.getPolicyName().equals(NAME) && inPeriod(v.getWindowStart(), until)) {
        totals[0] += v.getWouldDenyFlows();
        totals[1] += v.getNewlyDeniedFlows();
      }
    }
    return totals;
  }

  /**
   * What-if over the period's final ServiceTraffic into the namespace (base windows of {@code
   * windowMillis}; rollups would count twice): flows the proposal denies and
   * flows it newly denies, with the policies in force at staging time as the current set.
   */
  long[] whatIfTotals(Collection<ServiceTraffic> finalTraffic, long windowMillis, Instant until, ClusterInventory inventory,
      List<ClusterStateRecord> clusterState) {
    PolicySet current = PolicySet.empty();
    for (ClusterStateRecord r : clusterState) {
      if (!r.at().isAfter(stagedAt)) {
        current = ClusterStatePolicies.apply(current, r.key(), r.value());
      }
    }
    Map<String, ObservedEdge> edges = new TreeMap<>();
    for (ServiceTraffic t : finalTraffic) {
      boolean rollup = t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli() != windowMillis;
      if (rollup || !inPeriod(t.getWindowStart(), until) || !namespace.equals(t.getDestination().getNamespace())) {
        continue;
      }
      ObservedEdge observed = ObservedEdge.of(t);
      edges.merge(observed.edge().key(), observed, ObservedEdge::plus);
    }
    ReplayReport report = PolicyReplay.replay(List.copyOf(edges.values()), inventory, current,
        current.withPolicy(policy));
    long[] totals = new long[2];
    report.changes().stream().sorted(Comparator.comparing(EdgeChange::destination)).forEach(c -> {
      if (c.deniedByProposal()) {
        totals[0] += c.flows();
      }
      if (c.change() == EdgeChange.Change.NEWLY_DENIED) {
        totals[1] += c.flows();
      }
    });
    return totals;
  }
}
