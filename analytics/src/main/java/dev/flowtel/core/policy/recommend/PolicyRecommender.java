package dev.flowtel.core.policy.recommend;

import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.ContainerPort;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.LabelSelector;
import dev.flowtel.core.policy.NamespaceInfo;
import dev.flowtel.core.policy.NetworkPolicy;
import dev.flowtel.core.policy.PolicyPeer;
import dev.flowtel.core.policy.PolicyPort;
import dev.flowtel.core.policy.PolicyRule;
import dev.flowtel.core.policy.PolicyType;
import dev.flowtel.core.policy.Protocol;
import dev.flowtel.core.policy.history.ExternalCidrs;
import dev.flowtel.core.policy.history.AnomalySpan;
import dev.flowtel.core.policy.history.ClusterInventory;
import dev.flowtel.core.policy.history.InventoryWorkload;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.schema.NetworkClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes least-privilege NetworkPolicies from observed traffic: per workload one ingress policy
 * allowing exactly the sources seen calling it, and one egress policy allowing exactly the
 * destinations it was seen calling, on the ports and protocols seen. Peers are selected by the
 * stable labels of their controllers (and {@code kubernetes.io/metadata.name} for other
 * namespaces), never by pod IP; external ends become ipBlocks. Only established edges become rules,
 * and never one that lived only inside an anomaly of its source.
 *
 * <p>Rules: one per distinct peer list, with every port seen from (or to) exactly that list, so no
 * rule allows a peer a port it was not seen on. The egress rule to the cluster DNS comes first.
 */
public final class PolicyRecommender {

  /** Kubernetes' limit for object names (a DNS-1123 subdomain). */
  private static final int MAX_NAME = 253;
  /** Addresses shown beside one resolved name in a rule's sample peers. */
  private static final int ADDRESSES_PER_NAME = 3;
  private static final Comparator<PolicyPort> PORT_ORDER = Comparator.comparing(PolicyPort::protocol)
      .thenComparingInt(PolicyPort::port).thenComparing(p -> p.portName() == null ? "" : p.portName());

  private final ClusterInventory inventory;
  private final List<AnomalySpan> anomalies;
  private final RecommendOptions options;
  /** By workload key, then direction: the rules being built, by peer list. */
  private final Map<String, Map<List<PolicyPeer>, RuleBuilder>> ingress = new TreeMap<>();
  private final Map<String, Map<List<PolicyPeer>, RuleBuilder>> egress = new TreeMap<>();
  private final List<SkippedEdge> skipped = new ArrayList<>();

  private PolicyRecommender(ClusterInventory inventory, List<AnomalySpan> anomalies, RecommendOptions options) {
    this.inventory = inventory;
    this.anomalies = List.copyOf(anomalies);
    this.options = options;
  }

  /**
   * The recommended policies for this traffic. Observations of the same edge (e.g. one per window)
   * are summed first.
   */
  public static Recommendation recommend(List<ObservedEdge> observed, ClusterInventory inventory, List<AnomalySpan> anomalies,
      RecommendOptions options) {
    PolicyRecommender recommender = new PolicyRecommender(inventory, anomalies, options);
    for (ObservedEdge edge : summed(observed)) {
      recommender.add(edge);
    }
    return recommender.build();
  }

  /** Observations of one edge summed into one, ordered by edge key. */
  public static List<ObservedEdge> summed(List<ObservedEdge> observed) {
    Map<String, ObservedEdge> byKey = new TreeMap<>();
    for (ObservedEdge edge : observed) {
      byKey.merge(edge.edge().key(), edge, ObservedEdge::plus);
    }
    return List.copyOf(byKey.values());
  }

  private void add(ObservedEdge observed) {
    ServiceEdge edge = observed.edge();
    if (!observed.established()) {
      skip(observed, SkippedEdge.Reason.NOT_ESTABLISHED, observed.flows() + " flows, " + observed.failedAttempts()
          + " failed attempts, " + observed.drops() + " drops and no connection opened");
      return;
    }
    if (edge.portsFolded()) {
      skip(observed, SkippedEdge.Reason.NOT_EXPRESSIBLE, "failed attempts on many ports, folded into one edge: no port to allow");
      return;
    }
    Optional<Protocol> protocol = Protocol.ofIanaNumber(edge.protocol());
    if (protocol.isEmpty()) {
      skip(observed, SkippedEdge.Reason.NOT_EXPRESSIBLE, "IP protocol " + edge.protocol()
          + ": NetworkPolicy ports name TCP, UDP and SCTP only");
      return;
    }
    for (AnomalySpan anomaly : anomalies) {
      if (anomaly.covers(observed, options.anomalyMargin())) {
        skip(observed, SkippedEdge.Reason.DURING_ANOMALY, "seen only during anomaly " + anomaly.id() + " (" + anomaly.type()
            + ", " + anomaly.firstSeen() + " .. " + anomaly.lastSeen() + ")");
        return;
      }
    }
    End source = resolve(edge.source(), observed);
    End destination = resolve(edge.destination(), observed);
    for (End end : List.of(source, destination)) {
      if (end.problem != null) {
        skip(observed, end.unknown ? SkippedEdge.Reason.UNKNOWN_END : SkippedEdge.Reason.NOT_EXPRESSIBLE, end.problem);
        return;
      }
    }
    if (source.workloads.isEmpty() && destination.workloads.isEmpty()) {
      skip(observed, SkippedEdge.Reason.NOT_EXPRESSIBLE, "neither end is a pod of the cluster: no policy selects it");
      return;
    }
    Protocol proto = protocol.get();
    int port = edge.destinationPort();
    // Ingress of every destination workload, from the source as it is.
    for (InventoryWorkload to : destination.workloads) {
      PolicyPort policyPort = portFor(to, proto, port);
      if (source.workloads.isEmpty()) {
        rule(ingress, to, source.blocks).add(policyPort, observed, samplePeer(edge.source(), observed), source.broadWhy);
      } else {
        for (InventoryWorkload from : source.workloads) {
          rule(ingress, to, List.of(podPeer(from, to.namespace()))).add(policyPort, observed, edge.source().key(), null);
        }
      }
    }
    // Egress of every source workload, to the destination as it is.
    for (InventoryWorkload from : source.workloads) {
      if (isDns(destination, proto, port)) {
        rule(egress, from, List.of(dnsPeer())).add(null, observed, edge.destination().key(), null);
      } else if (destination.workloads.isEmpty()) {
        rule(egress, from, destination.blocks).add(PolicyPort.number(proto, port), observed,
            samplePeer(edge.destination(), observed), destination.broadWhy);
      } else {
        for (InventoryWorkload to : destination.workloads) {
          rule(egress, from, List.of(podPeer(to, from.namespace()))).add(portFor(to, proto, port), observed,
              edge.destination().key(), null);
        }
      }
    }
  }

  private Recommendation build() {
    List<NetworkPolicy> policies = new ArrayList<>();
    List<RuleEvidence> evidence = new ArrayList<>();
    List<BroadRule> broad = new ArrayList<>();
    Map<String, String> workloadsByPolicy = new HashMap<>();
    Map<String, Set<String>> namesByNamespace = new HashMap<>();
    if (options.dnsForEveryEgressPolicy()) {
      for (Map<List<PolicyPeer>, RuleBuilder> rules : egress.values()) {
        rules.computeIfAbsent(List.of(dnsPeer()), p -> new RuleBuilder(p)).noteIfUnseen(
            "added to every egress policy (dnsForEveryEgressPolicy): a resolver cache can hide lookups for as long as a pod lives");
      }
    }
    for (PolicyType type : PolicyType.values()) {
      Map<String, Map<List<PolicyPeer>, RuleBuilder>> byWorkload = type == PolicyType.Ingress ? ingress : egress;
      byWorkload.forEach((workloadKey, builders) -> {
        InventoryWorkload workload = workloadByKey(workloadKey);
        String name = policyName(workload, type, namesByNamespace);
        String id = workload.namespace() + "/" + name;
        List<RuleBuilder> ordered = new ArrayList<>(builders.values());
        // DNS first, so that its index is the same in every egress policy.
        ordered.sort(Comparator.comparing((RuleBuilder b) -> !b.peers.equals(List.of(dnsPeer()))));
        List<PolicyRule> rules = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
          RuleBuilder b = ordered.get(i);
          rules.add(b.rule(type == PolicyType.Egress && b.peers.equals(List.of(dnsPeer())) ? options.dns().ports() : null));
          evidence.add(b.evidence(id, type, i));
          if (b.broadWhy != null) {
            broad.add(new BroadRule(id, type, i, b.broadWhy));
          }
        }
        policies.add(type == PolicyType.Ingress
            ? NetworkPolicy.of(workload.namespace(), name, workload.selector(), List.of(type), rules, List.of())
            : NetworkPolicy.of(workload.namespace(), name, workload.selector(), List.of(type), List.of(), rules));
        workloadsByPolicy.put(id, workloadKey);
      });
    }
    if (options.defaultDeny()) {
      Set<String> namespaces = new TreeSet<>();
      inventory.workloads().forEach(w -> namespaces.add(w.namespace()));
      for (String ns : namespaces) {
        policies.add(NetworkPolicy.of(ns, "default-deny", LabelSelector.EVERYTHING, EnumSet.allOf(PolicyType.class), List.of(),
            List.of()));
      }
    }
    policies.sort(Comparator.comparing(NetworkPolicy::id));
    Map<String, Integer> order = new HashMap<>();
    for (int i = 0; i < policies.size(); i++) {
      order.put(policies.get(i).id(), i);
    }
    evidence.sort(Comparator.comparing((RuleEvidence e) -> order.get(e.policy())).thenComparing(RuleEvidence::direction)
        .thenComparingInt(RuleEvidence::rule));
    broad.sort(Comparator.comparing((BroadRule b) -> order.get(b.policy())).thenComparingInt(BroadRule::rule));
    return new Recommendation(options, policies, evidence, broad, skipped, workloadsByPolicy);
  }

  private InventoryWorkload workloadByKey(String key) {
    String[] parts = key.split("/", 3);
    return inventory.workload(parts[0], parts[1], parts[2]).orElseThrow();
  }

  /**
   * {@code flowtel-<workload>-ingress} or {@code -egress}, lower-cased and cut to Kubernetes' 253
   * characters; a second workload of the same name in a namespace (another kind) gets its kind in
   * the name too.
   */
  private static String policyName(InventoryWorkload workload, PolicyType type, Map<String, Set<String>> taken) {
    String suffix = "-" + type.fieldName();
    Set<String> names = taken.computeIfAbsent(workload.namespace() + suffix, n -> new java.util.HashSet<>());
    String name = dns1123("flowtel-" + workload.name(), suffix);
    if (!names.add(name)) {
      name = dns1123("flowtel-" + workload.name() + "-" + workload.kind(), suffix);
      names.add(name);
    }
    return name;
  }

  private static String dns1123(String stem, String suffix) {
    String clean = stem.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    if (clean.length() + suffix.length() > MAX_NAME) {
      clean = clean.substring(0, MAX_NAME - suffix.length());
    }
    return clean + suffix;
  }

  private Map<List<PolicyPeer>, RuleBuilder> rulesOf(Map<String, Map<List<PolicyPeer>, RuleBuilder>> direction,
      InventoryWorkload workload) {
    return direction.computeIfAbsent(workload.key(), k -> new LinkedHashMap<>());
  }

  private RuleBuilder rule(Map<String, Map<List<PolicyPeer>, RuleBuilder>> direction, InventoryWorkload workload,
      List<PolicyPeer> peers) {
    return rulesOf(direction, workload).computeIfAbsent(peers, RuleBuilder::new);
  }

  /** A workload as a peer of a policy in {@code policyNamespace}: its selector, and its namespace's name when another. */
  private static PolicyPeer podPeer(InventoryWorkload workload, String policyNamespace) {
    LabelSelector namespace = workload.namespace().equals(policyNamespace) ? null
        : LabelSelector.matchLabels(Map.of(NamespaceInfo.NAME_LABEL, workload.namespace()));
    return new PolicyPeer.Pods(namespace, workload.selector());
  }

  private PolicyPeer dnsPeer() {
    return new PolicyPeer.Pods(LabelSelector.matchLabels(Map.of(NamespaceInfo.NAME_LABEL, options.dns().namespace())),
        LabelSelector.matchLabels(options.dns().podLabels()));
  }

  private boolean isDns(End destination, Protocol protocol, int port) {
    if (destination.workloads.isEmpty() || !options.dns().servesPort(protocol, port)) {
      return false;
    }
    return destination.workloads.stream().allMatch(w -> w.namespace().equals(options.dns().namespace())
        && w.podLabels().entrySet().containsAll(options.dns().podLabels().entrySet()));
  }

  /** The port by its container port name when the destination names it, as people write policies; else the number. */
  private static PolicyPort portFor(InventoryWorkload destination, Protocol protocol, int port) {
    for (ContainerPort named : destination.ports()) {
      if (named.port() == port && named.protocol() == protocol && named.name() != null && !named.name().isEmpty()) {
        return PolicyPort.named(protocol, named.name());
      }
    }
    return PolicyPort.number(protocol, port);
  }

  private static List<String> samplePeer(EdgeEnd end, ObservedEdge observed) {
    if (!observed.externalAddresses().isEmpty()) {
      return externalSamples(observed);
    }
    return List.of(end.key());
  }

  /**
   * The external addresses as a reader knows them: each name the flows gave, with its addresses
   * ({@code api.example.com (203.0.113.10)}), names in order, then the unnamed addresses; up to
   * {@value RuleEvidence#SAMPLE_PEERS}. A name spread over many addresses (a CDN) is one sample, so
   * the samples show as many different names as the limit allows.
   */
  private static List<String> externalSamples(ObservedEdge observed) {
    Map<String, List<IpAddress>> byName = new TreeMap<>();
    List<IpAddress> unnamed = new ArrayList<>();
    observed.externalAddresses().stream().sorted(Comparator.comparing(IpAddress::toString)).forEach(a -> {
      String name = observed.externalDomains().get(a);
      if (name == null) {
        unnamed.add(a);
      } else {
        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(a);
      }
    });
    List<String> samples = new ArrayList<>();
    byName.forEach((name, addresses) -> samples.add(name + " (" + addressList(addresses) + ")"));
    unnamed.forEach(a -> samples.add(a.toString()));
    return samples.stream().limit(RuleEvidence.SAMPLE_PEERS).toList();
  }

  /** Up to {@value #ADDRESSES_PER_NAME} addresses, and how many more, so one CDN name cannot make a sample unreadable. */
  private static String addressList(List<IpAddress> addresses) {
    String shown = addresses.stream().limit(ADDRESSES_PER_NAME).map(Object::toString).collect(Collectors.joining(", "));
    return addresses.size() > ADDRESSES_PER_NAME ? shown + ", +" + (addresses.size() - ADDRESSES_PER_NAME) + " more" : shown;
  }

  /** One end of an edge as a policy can name it: workloads, or ipBlocks, or why it cannot. */
  private static final class End {
    List<InventoryWorkload> workloads = List.of();
    List<PolicyPeer> blocks = List.of();
    String broadWhy;
    String problem;
    boolean unknown;
  }

  private End resolve(EdgeEnd end, ObservedEdge observed) {
    End resolved = new End();
    boolean outside = end.outsideCluster();
    if (!outside) {
      resolved.workloads = inventory.workloadsOf(end);
      if (resolved.workloads.isEmpty()) {
        resolved.unknown = true;
        resolved.problem = EdgeEnd.SERVICE.equals(end.kind())
            ? "Service " + end.namespace() + "/" + end.name() + " is not in the inventory or selects none of its workloads"
            : end.kind() + " " + end.namespace() + "/" + end.name() + " is not in the inventory: its labels are unknown";
      }
      return resolved;
    }
    if (!observed.externalAddresses().isEmpty()) {
      resolved.blocks = ExternalCidrs.blocks(ExternalCidrs.of(observed.externalAddresses(), options.aggregateAbove()));
      return resolved;
    }
    List<PolicyPeer> ranges = EdgeEnd.NODE.equals(end.kind()) ? List.of() : ExternalCidrs.classRanges(end.networkClass());
    if (ranges.isEmpty()) {
      resolved.problem = (EdgeEnd.NODE.equals(end.kind()) ? "node " + end.name() : "external " + end.networkClass())
          + " without addresses (aggregates do not carry them): no ipBlock can name it";
      return resolved;
    }
    resolved.blocks = ranges;
    resolved.broadWhy = "every " + end.networkClass() + " address (" + ranges.stream().map(Object::toString)
        .reduce((a, b) -> a + ", " + b).orElse("") + "): the traffic came from aggregates, which do not carry the "
        + "addresses; recommend from flows to narrow it";
    return resolved;
  }

  private void skip(ObservedEdge observed, SkippedEdge.Reason reason, String detail) {
    skipped.add(new SkippedEdge(observed, reason, detail));
  }

  /** One rule being built: its peers, the ports seen with exactly these peers, and the evidence. */
  private static final class RuleBuilder {
    final List<PolicyPeer> peers;
    final Set<PolicyPort> ports = new TreeSet<>(PORT_ORDER);
    final Set<String> samplePeers = new LinkedHashSet<>();
    long flows;
    long bytes;
    Instant firstSeen;
    Instant lastSeen;
    String broadWhy;
    String note;

    RuleBuilder(List<PolicyPeer> peers) {
      this.peers = List.copyOf(peers);
    }

    void add(PolicyPort port, ObservedEdge observed, String peer, String broad) {
      add(port, observed, List.of(peer), broad);
    }

    void add(PolicyPort port, ObservedEdge observed, List<String> peers, String broad) {
      if (port != null) {
        ports.add(port);
      }
      flows += observed.flows();
      bytes += observed.bytes();
      firstSeen = firstSeen == null || observed.firstSeen().isBefore(firstSeen) ? observed.firstSeen() : firstSeen;
      lastSeen = lastSeen == null || observed.lastSeen().isAfter(lastSeen) ? observed.lastSeen() : lastSeen;
      for (String peer : peers) {
        if (samplePeers.size() < RuleEvidence.SAMPLE_PEERS) {
          samplePeers.add(peer);
        }
      }
      if (broad != null) {
        broadWhy = broad;
      }
    }

    void noteIfUnseen(String why) {
      if (firstSeen == null) {
        note = why;
      }
    }

    PolicyRule rule(List<PolicyPort> fixedPorts) {
      return new PolicyRule(peers, fixedPorts != null ? fixedPorts : List.copyOf(ports));
    }

    RuleEvidence evidence(String policy, PolicyType type, int index) {
      return new RuleEvidence(policy, type, index, flows, bytes, firstSeen, lastSeen, List.copyOf(samplePeers),
          note != null ? note : broadWhy);
    }
  }
}
