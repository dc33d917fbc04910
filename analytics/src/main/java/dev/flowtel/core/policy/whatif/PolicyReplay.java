package dev.flowtel.core.policy.whatif;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.Cidr;
import dev.flowtel.core.policy.DirectionVerdict;
import dev.flowtel.core.policy.ExternalPeer;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.Peer;
import dev.flowtel.core.policy.PodInfo;
import dev.flowtel.core.policy.PolicyEngine;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicySet;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.PolicyVerdict;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.RuleRef;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.InventoryWorkload;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.policy.history.ExternalCidrs;
import dev.flowtel.schema.NetworkClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replays observed edges through the engine against the policies in force and a proposed set, and
 * reports what would change per source workload, destination workload, port and protocol.
 *
 * <p>Fast because it judges each distinct edge once: observations of one edge (a week of hourly
 * windows) are summed before judging, workloads become {@link RepresentativePods} once, and a
 * verdict is cached per source, destination, port and protocol, so a Service's edge and a direct
 * edge to its pods share one.
 *
 * <p>How ends are judged:
 * <ul>
 *   <li>a workload, or a Service's workloads: their representative pod;</li>
 *   <li>an external or node end with recorded addresses: each address; the edge is allowed only
 *       when every address is;</li>
 *   <li>an external end without addresses (aggregates do not carry them): allowed when its pod end
 *       is not isolated or a rule without peers allows it, or an ipBlock covering the whole network
 *       class (PRIVATE: RFC 1918; PUBLIC: everything else, IPv4) does; denied when no ipBlock of a
 *       matching rule overlaps the class; otherwise {@code UNDETERMINED};</li>
 *   <li>a workload or Service not in the inventory: {@code UNDETERMINED};</li>
 *   <li>an edge of failed attempts on many ports ({@code -1}): judged as a port no rule names, so
 *       it is allowed only where every port is;</li>
 *   <li>a protocol NetworkPolicy cannot name (ICMP): {@code UNDETERMINED}, CNIs differ there.</li>
 * </ul>
 */
public final class PolicyReplay {

  private final ClusterInventory inventory;
  private final Judge current;
  private final Judge proposed;
  private final RepresentativePods pods = new RepresentativePods();

  private PolicyReplay(ClusterInventory inventory, PolicySet current, PolicySet proposed) {
    this.inventory = inventory;
    this.current = new Judge(PolicyEngine.of(current));
    this.proposed = new Judge(PolicyEngine.of(proposed));
  }

  /** What {@code proposed} changes for the traffic observed, compared with {@code current}. */
  public static ReplayReport replay(List<ObservedEdge> observed, ClusterInventory inventory, PolicySet current,
      PolicySet proposed) {
    return new PolicyReplay(inventory, current, proposed).replay(observed);
  }

  private ReplayReport replay(List<ObservedEdge> observed) {
    Map<String, ObservedEdge> byEdge = new HashMap<>();
    for (ObservedEdge edge : observed) {
      byEdge.merge(edge.edge().key(), edge, ObservedEdge::plus);
    }
    Map<String, Accumulated> byChangeKey = new LinkedHashMap<>();
    for (ObservedEdge edge : byEdge.values()) {
      for (Side source : sides(edge.edge().source(), edge)) {
        for (Side destination : sides(edge.edge().destination(), edge)) {
          String key = source.label + '>' + destination.label + ':' + edge.edge().destinationPort() + '/' + edge.edge().protocol();
          Accumulated acc = byChangeKey.get(key);
          if (acc == null) {
            acc = new Accumulated(source, destination, edge.edge());
            byChangeKey.put(key, acc);
          }
          acc.add(edge);
        }
      }
    }
    List<EdgeChange> changes = new ArrayList<>(byChangeKey.size());
    for (Accumulated acc : byChangeKey.values()) {
      changes.add(acc.change());
    }
    changes.sort(Comparator.comparing(EdgeChange::change).thenComparing(Comparator.comparingLong(EdgeChange::bytes).reversed())
        .thenComparing(EdgeChange::source).thenComparing(EdgeChange::destination).thenComparingInt(EdgeChange::port));
    return new ReplayReport(changes);
  }

  /** The peers an end stands for. */
  private List<Side> sides(EdgeEnd end, ObservedEdge observed) {
    if (end.outsideCluster()) {
      return List.of(new Side(end.key(), null, observed.externalAddresses().stream().sorted(
          Comparator.comparingInt(IpAddress::version).thenComparingLong(IpAddress::high).thenComparingLong(IpAddress::low))
          .map(ExternalPeer::new).toList(), end.networkClass(), null));
    }
    List<InventoryWorkload> workloads = inventory.workloadsOf(end);
    if (workloads.isEmpty()) {
      return List.of(new Side(end.key(), null, List.of(), null, end.kind() + " " + end.namespace() + "/" + end.name()
          + " is not in the inventory"));
    }
    return workloads.stream().map(w -> new Side(w.key(), pods.of(w), List.of(), null, null)).toList();
  }

  /** One end as judged: a representative pod, addresses, an address-less class, or why it cannot be judged. */
  private record Side(String label, PodInfo pod, List<ExternalPeer> addresses, NetworkClass networkClass, String unknown) {}

  /** A verdict of one set on one change key. */
  private record Judgement(Boolean allowed, List<RuleRef> rules, List<String> denying, String explanation) {

    static Judgement undetermined(String why) {
      return new Judgement(null, List.of(), List.of(), why);
    }
  }

  /** The edges of one change key, summed, judged once. */
  private final class Accumulated {
    final Side source;
    final Side destination;
    final ServiceEdge first;
    long flows;
    long bytes;
    Instant lastSeen;

    Accumulated(Side source, Side destination, ServiceEdge first) {
      this.source = source;
      this.destination = destination;
      this.first = first;
    }

    void add(ObservedEdge edge) {
      flows += edge.flows();
      bytes += edge.bytes();
      lastSeen = lastSeen == null || edge.lastSeen().isAfter(lastSeen) ? edge.lastSeen() : lastSeen;
    }

    EdgeChange change() {
      Judgement now = current.judge(source, destination, first);
      Judgement next = proposed.judge(source, destination, first);
      EdgeChange.Change change = now.allowed() == null || next.allowed() == null ? EdgeChange.Change.UNDETERMINED
          : EdgeChange.Change.of(now.allowed(), next.allowed());
      String explanation = next.allowed() == null ? next.explanation()
          : now.allowed() == null ? "in force: " + now.explanation() : next.explanation();
      return new EdgeChange(source.label, destination.label, first.destinationPort(), first.protocol(), change, flows, bytes,
          lastSeen, next.rules(), next.denying(), explanation);
    }
  }

  /** One policy set's verdicts, cached per source, destination, port and protocol. */
  private static final class Judge {
    final PolicyEngine engine;
    final Map<String, Judgement> cache = new HashMap<>();

    Judge(PolicyEngine engine) {
      this.engine = engine;
    }

    Judgement judge(Side source, Side destination, ServiceEdge edge) {
      String key = source.label + '>' + destination.label + ':' + edge.destinationPort() + '/' + edge.protocol();
      return cache.computeIfAbsent(key, k -> judgeOnce(source, destination, edge));
    }

    private Judgement judgeOnce(Side source, Side destination, ServiceEdge edge) {
      if (source.unknown != null || destination.unknown != null) {
        return Judgement.undetermined(source.unknown != null ? source.unknown : destination.unknown);
      }
      Optional<Protocol> protocol = Protocol.ofIanaNumber(edge.protocol());
      if (protocol.isEmpty()) {
        return Judgement.undetermined("IP protocol " + edge.protocol() + ": NetworkPolicy names TCP, UDP and SCTP only");
      }
      int port = edge.portsFolded() ? 0 : edge.destinationPort();
      List<Peer> froms = source.pod != null ? List.of(source.pod) : List.copyOf(source.addresses);
      List<Peer> tos = destination.pod != null ? List.of(destination.pod) : List.copyOf(destination.addresses);
      if (froms.isEmpty() || tos.isEmpty()) {
        if (source.pod == null && destination.pod == null) {
          return Judgement.undetermined("neither end is a pod, and the addresses of one were not recorded");
        }
        return froms.isEmpty()
            ? withoutAddress(destination.pod, PolicyType.Ingress, source.networkClass, protocol.get(), port, source.label)
            : withoutAddress(source.pod, PolicyType.Egress, destination.networkClass, protocol.get(), port, destination.label);
      }
      Set<RuleRef> rules = new LinkedHashSet<>();
      Set<String> denying = new LinkedHashSet<>();
      int denied = 0;
      int judged = 0;
      String explanation = null;
      for (Peer from : froms) {
        for (Peer to : tos) {
          PolicyVerdict verdict = engine.evaluate(from, to, protocol.get(), port);
          judged++;
          if (verdict.allowed()) {
            rules.addAll(verdict.egress().allowingRules());
            rules.addAll(verdict.ingress().allowingRules());
          } else {
            denied++;
            for (DirectionVerdict direction : List.of(verdict.egress(), verdict.ingress())) {
              if (!direction.allowed()) {
                denying.addAll(direction.isolatingPolicies());
              }
            }
          }
          if (explanation == null || (!verdict.allowed() && denied == 1)) {
            explanation = verdict.explain();
          }
        }
      }
      if (judged > 1 && denied > 0 && denied < judged) {
        explanation = denied + " of " + judged + " addresses denied; first: " + explanation;
      }
      return denied == 0 ? new Judgement(true, List.copyOf(rules), List.of(), explanation)
          : new Judgement(false, List.of(), List.copyOf(denying), explanation);
    }

    /**
     * The verdict for a pod and an external end whose addresses are unknown: only the pod's side can
     * isolate, and its ipBlocks are compared with the whole network class.
     */
    private Judgement withoutAddress(PodInfo pod, PolicyType direction, NetworkClass networkClass, Protocol protocol, int port,
        String other) {
      List<NetworkPolicy> isolating = engine.isolating(pod, direction);
      String where = direction.fieldName() + " of " + pod.display();
      if (isolating.isEmpty()) {
        return new Judgement(true, List.of(), List.of(), where + " allowed: no policy isolates it");
      }
      Peer portOwner = direction == PolicyType.Ingress ? pod : new ExternalPeer(IpAddress.parse("0.0.0.0"));
      List<RuleRef> allowing = new ArrayList<>();
      List<String> deciding = new ArrayList<>();
      Map<Cidr, RuleRef> privateCover = new LinkedHashMap<>();
      for (NetworkPolicy policy : isolating) {
        List<PolicyRule> rules = policy.rules(direction);
        for (int i = 0; i < rules.size(); i++) {
          PolicyRule rule = rules.get(i);
          if (!rule.ports().isEmpty() && rule.ports().stream().noneMatch(p -> p.matches(protocol, port, portOwner))) {
            continue;
          }
          RuleRef ref = new RuleRef(policy.id(), direction, i);
          if (rule.peers().isEmpty()) {
            allowing.add(ref);
            continue;
          }
          for (PolicyPeer peer : rule.peers()) {
            if (peer instanceof PolicyPeer.IpBlock block) {
              Coverage coverage = coverage(block, networkClass);
              if (coverage == Coverage.ALL) {
                allowing.add(ref);
              } else if (coverage == Coverage.SOME) {
                deciding.add(ref + " (" + block + ")");
              }
              // PRIVATE is three ranges, which a rule usually names as three ipBlocks.
              for (Cidr range : ExternalCidrs.PRIVATE_V4) {
                if (networkClass == NetworkClass.PRIVATE && block.cidr().contains(range)
                    && block.except().stream().noneMatch(e -> overlap(e, range))) {
                  privateCover.putIfAbsent(range, ref);
                }
              }
            }
          }
        }
      }
      if (allowing.isEmpty() && privateCover.size() == ExternalCidrs.PRIVATE_V4.size()) {
        allowing.addAll(privateCover.values());
      }
      List<String> ids = isolating.stream().map(NetworkPolicy::id).toList();
      if (!allowing.isEmpty()) {
        return new Judgement(true, List.copyOf(new LinkedHashSet<>(allowing)), List.of(), where + " allowed by " + allowing
            + " for every " + networkClass + " address");
      }
      if (!deciding.isEmpty()) {
        return Judgement.undetermined(where + " with " + other + ": its addresses were not recorded and "
            + String.join(", ", deciding) + " allows some " + networkClass + " addresses only");
      }
      return new Judgement(false, List.of(), ids, where + " denied: isolated by " + String.join(", ", ids)
          + " and no rule allows " + other + " on " + protocol + "/" + port);
    }
  }

  private enum Coverage { ALL, SOME, NONE }

  /** How much of a network class (taken as IPv4) an ipBlock allows. */
  static Coverage coverage(PolicyPeer.IpBlock block, NetworkClass networkClass) {
    Cidr cidr = block.cidr();
    if (cidr.version() != 4) {
      return networkClass == NetworkClass.PRIVATE || networkClass == NetworkClass.PUBLIC ? Coverage.NONE : Coverage.SOME;
    }
    List<Cidr> privateRanges = ExternalCidrs.PRIVATE_V4;
    switch (networkClass) {
      case PRIVATE -> {
        boolean all = privateRanges.stream().allMatch(r -> cidr.contains(r) && block.except().stream().noneMatch(e -> overlap(e, r)));
        if (all) {
          return Coverage.ALL;
        }
        boolean none = privateRanges.stream().allMatch(r -> !overlap(cidr, r) || block.except().stream().anyMatch(e -> e.contains(r)));
        return none ? Coverage.NONE : Coverage.SOME;
      }
      case PUBLIC -> {
        if (cidr.prefixLength() == 0 && block.except().stream().allMatch(e -> privateRanges.stream().anyMatch(r -> r.contains(e)))) {
          return Coverage.ALL;
        }
        return privateRanges.stream().anyMatch(r -> r.contains(cidr)) ? Coverage.NONE : Coverage.SOME;
      }
      default -> {
        return cidr.prefixLength() == 0 && block.except().isEmpty() ? Coverage.ALL : Coverage.SOME;
      }
    }
  }

  private static boolean overlap(Cidr a, Cidr b) {
    return a.contains(b) || b.contains(a);
  }
}
