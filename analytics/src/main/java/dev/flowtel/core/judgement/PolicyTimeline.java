package dev.flowtel.core.judgement;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.policy.ClusterStatePolicies;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.ExternalPeer;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.Peer;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.PolicyVerdict;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.schema.ClusterState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The NetworkPolicies in force over time, built from the records of the compacted cluster-state
 * topic, so a flow is judged by the policies in force when it happened, whatever order the two
 * streams arrive in: a change takes effect for flows after its {@code observedAt}. Changes older
 * than the horizon are folded into one base snapshot. Not thread-safe; one per operator instance.
 */
public final class PolicyTimeline {

  private record Change(long at, long sequence, String key, ClusterState state) {}

  /** @param proposed the engine with the staged policies in force too; null when nothing is staged */
  private record Snapshot(long from, PolicyEngine engine, List<String> portNames, List<NetworkPolicy> staged,
      PolicyEngine proposed) {}

  private PolicySet base = PolicySet.empty();
  private long baseAt = Long.MIN_VALUE;
  private final List<Change> changes = new ArrayList<>();
  private List<Snapshot> snapshots;
  private long sequence;
  private boolean anyRecord;

  /**
   * Applies one record: {@code state} null is a tombstone deleting {@code key}.
   *
   * @throws IllegalArgumentException when the record is not a valid policy (nothing changes then)
   */
  public void apply(String key, ClusterState state, long observedAtMillis) {
    // Validate now, so a bad record fails here and not in every later judgement.
    ClusterStatePolicies.apply(PolicySet.empty(), key, state);
    anyRecord = true;
    if (observedAtMillis <= baseAt) {
      base = ClusterStatePolicies.apply(base, key, state);
    } else {
      Change change = new Change(observedAtMillis, sequence++, key, state);
      int i = changes.size();
      while (i > 0 && changes.get(i - 1).at() > observedAtMillis) {
        i--;
      }
      changes.add(i, change);
    }
    snapshots = null;
  }

  /** True once any record has arrived; before that, flows cannot be judged. */
  public boolean known() {
    return anyRecord;
  }

  /** Folds the changes at or before {@code millis} into the base snapshot; later judgements before it see the base. */
  public void compactBefore(long millis) {
    int folded = 0;
    while (folded < changes.size() && changes.get(folded).at() <= millis) {
      Change c = changes.get(folded++);
      base = ClusterStatePolicies.apply(base, c.key(), c.state());
      baseAt = Math.max(baseAt, c.at());
    }
    if (folded > 0) {
      changes.subList(0, folded).clear();
      snapshots = null;
    }
  }

  /** The engine of the policies in force at {@code millis}. */
  public PolicyEngine engineAt(long millis) {
    return snapshotAt(millis).engine();
  }

  /**
   * Judges a request flow: by the policies in force when its connection opened (its start, for a
   * flow carrying SYN) or else at its end; when denied, also whether the policies in force at any
   * time within {@code graceMillis} before allowed it.
   */
  public PolicyJudgement judge(ObservedFlow flow, long graceMillis) {
    if (!anyRecord || flow.reply()) {
      return PolicyJudgement.UNKNOWN;
    }
    Optional<Protocol> protocol = Protocol.ofIanaNumber(flow.protocol());
    if (protocol.isEmpty()) {
      return PolicyJudgement.UNKNOWN;
    }
    long at = flow.connectionAttempt() ? flow.flowStartMillis() : flow.flowEndMillis();
    Snapshot now = snapshotAt(at);
    PolicyVerdict verdict = evaluate(now, flow, protocol.get());
    if (verdict.allowed()) {
      return new PolicyJudgement(PolicyJudgement.Outcome.ALLOWED, false, verdict.explain());
    }
    boolean recentlyAllowed = false;
    for (Snapshot s : snapshotsBetween(at - graceMillis, at)) {
      if (s != now && evaluate(s, flow, protocol.get()).allowed()) {
        recentlyAllowed = true;
        break;
      }
    }
    return new PolicyJudgement(PolicyJudgement.Outcome.DENIED, recentlyAllowed, verdict.explain());
  }

  /**
   * What the staged policies would do to the connection of {@code flow} (a request or a reply: both
   * stand for their connection, as ServiceTraffic counts it), judged at the instant {@link #judge}
   * uses: one judgement per staged policy that selects the server pod for Ingress or the client pod
   * for Egress, each with the connection's verdict under the policies in force with every staged
   * policy applied. Empty when nothing is staged, no record has arrived, or the protocol is one
   * NetworkPolicy cannot name.
   */
  public List<StagedJudgement> judgeStaged(ObservedFlow flow) {
    if (!anyRecord) {
      return List.of();
    }
    Optional<Protocol> protocol = Protocol.ofIanaNumber(flow.protocol());
    if (protocol.isEmpty()) {
      return List.of();
    }
    boolean attempt = flow.tcp() && (flow.tcpFlags() & dev.flowtel.core.edge.Protocols.SYN) != 0;
    Snapshot now = snapshotAt(attempt ? flow.flowStartMillis() : flow.flowEndMillis());
    if (now.proposed() == null) {
      return List.of();
    }
    List<NetworkPolicy> selecting = new ArrayList<>(2);
    for (NetworkPolicy policy : now.staged()) {
      if (selects(policy, flow.serverPeer(), PolicyType.Ingress) || selects(policy, flow.clientPeer(), PolicyType.Egress)) {
        selecting.add(policy);
      }
    }
    if (selecting.isEmpty()) {
      return List.of();
    }
    PolicyVerdict inForce = evaluate(now.engine(), now.portNames(), flow, protocol.get());
    PolicyVerdict proposed = evaluate(now.proposed(), now.portNames(), flow, protocol.get());
    String explanation = proposed.allowed() ? null : proposed.explain();
    List<StagedJudgement> out = new ArrayList<>(selecting.size());
    for (NetworkPolicy policy : selecting) {
      out.add(new StagedJudgement(policy.namespace(), policy.name(), proposed.allowed(), inForce.allowed(), explanation));
    }
    return out;
  }

  private static boolean selects(NetworkPolicy policy, ObservedFlow.PeerView pod, PolicyType type) {
    // NetworkPolicy never applies to host-network pods.
    return pod.pod() && !pod.hostNetwork() && policy.isolates(type) && policy.namespace().equals(pod.namespace())
        && policy.podSelector().matches(pod.labels());
  }

  private PolicyVerdict evaluate(Snapshot snapshot, ObservedFlow flow, Protocol protocol) {
    return evaluate(snapshot.engine(), snapshot.portNames(), flow, protocol);
  }

  private static PolicyVerdict evaluate(PolicyEngine engine, List<String> portNames, ObservedFlow flow, Protocol protocol) {
    Peer from = peer(flow.clientPeer(), flow.clientIp(), null, 0, protocol);
    Peer to = peer(flow.serverPeer(), flow.serverIp(), portNames, flow.serverPort(), protocol);
    return engine.evaluate(from, to, protocol, flow.serverPort());
  }

  /**
   * A destination pod is given every container port name the policies use, as the flow's port:
   * flows carry no container ports, and judging named-port rules as never matching would report
   * every call to a named port as denied. So a named-port rule counts as allowing; docs/detection.md
   * says what that can hide.
   */
  private static Peer peer(ObservedFlow.PeerView view, dev.flowtel.core.policy.IpAddress ip, List<String> portNames,
      int port, Protocol protocol) {
    if (!view.pod()) {
      return new ExternalPeer(ip);
    }
    PodInfo pod = new PodInfo(view.namespace(), view.name(), view.labels(), ip, Map.of(), view.hostNetwork());
    if (portNames == null || portNames.isEmpty()) {
      return pod;
    }
    Map<String, ContainerPort> named = new LinkedHashMap<>();
    for (String name : portNames) {
      named.put(name, new ContainerPort(name, port, protocol));
    }
    return pod.withNamedPorts(named);
  }

  private Snapshot snapshotAt(long millis) {
    List<Snapshot> all = snapshots();
    Snapshot found = all.get(0);
    for (Snapshot s : all) {
      if (s.from() <= millis) {
        found = s;
      } else {
        break;
      }
    }
    return found;
  }

  private List<Snapshot> snapshotsBetween(long fromMillis, long toMillis) {
    List<Snapshot> all = snapshots();
    List<Snapshot> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      long end = i + 1 < all.size() ? all.get(i + 1).from() : Long.MAX_VALUE;
      if (all.get(i).from() <= toMillis && end > fromMillis) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  private List<Snapshot> snapshots() {
    if (snapshots == null) {
      List<Snapshot> built = new ArrayList<>();
      PolicySet current = base;
      built.add(snapshot(Long.MIN_VALUE, current));
      for (int i = 0; i < changes.size(); i++) {
        Change c = changes.get(i);
        current = ClusterStatePolicies.apply(current, c.key(), c.state());
        if (i + 1 == changes.size() || changes.get(i + 1).at() != c.at()) {
          built.add(snapshot(c.at(), current));
        }
      }
      snapshots = built;
    }
    return snapshots;
  }

  private static Snapshot snapshot(long from, PolicySet set) {
    TreeSet<String> names = new TreeSet<>();
    List<NetworkPolicy> all = new ArrayList<>(set.policies());
    all.addAll(set.stagedPolicies());
    for (NetworkPolicy policy : all) {
      for (PolicyType type : PolicyType.values()) {
        for (PolicyRule rule : policy.rules(type)) {
          for (PolicyPort port : rule.ports()) {
            if (port.portName() != null) {
              names.add(port.portName());
            }
          }
        }
      }
    }
    // Only NetworkPolicies' names: they only allow, so a name counted as matching never invents a
    // denial. A cluster-scoped rule can Deny, so its named ports are left unmatched (docs/detection.md).
    List<NetworkPolicy> staged = set.stagedPolicies();
    return new Snapshot(from, PolicyEngine.of(set), List.copyOf(names), staged,
        staged.isEmpty() ? null : PolicyEngine.of(set.withStagedInForce()));
  }
}
