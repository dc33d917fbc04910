package dev.flowtel.sink.elasticsearch.document;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.Evidence;
import dev.flowtel.schema.FlowSample;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.sink.elasticsearch.index.IndexNames;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * PolicyAnomaly as an ECS alert document, id = the anomaly id, external version = its revision,
 * in the anomalies index of the month it was first seen (the id derives from the episode start,
 * so every revision of one anomaly lands in the same index).
 */
public final class AnomalyDocuments implements DocumentBuilder<PolicyAnomaly> {

  private static final long serialVersionUID = 1L;
  /** Fields whose keys are data, mapped as {@code flattened} rather than one field per key. */
  public static final List<String> FLATTENED_FIELDS = List.of("flowtel.evidence.counters", "flowtel.evidence.measurements");

  private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

  private final IndexNames names;

  public AnomalyDocuments(IndexNames names) {
    this.names = names;
  }

  @Override
  public IndexDocument build(PolicyAnomaly a) {
    EdgeEndpoint src = a.getSource();
    EdgeEndpoint dst = a.getDestination();
    DocumentFields f = new DocumentFields()
        .put("@timestamp", a.getFirstSeen().toString())
        .put("ecs.version", Ecs.VERSION)
        .put("message", a.getSummary())
        .put("event.kind", "alert")
        .put("event.category", List.of("network", "intrusion_detection"))
        .put("event.type", List.of(a.getType() == AnomalyType.DENIED_SPIKE ? "denied" : "info"))
        .put("event.module", "flowtel")
        .put("event.dataset", "flowtel.anomalies")
        .put("event.id", a.getId())
        .put("event.severity", Ecs.severityNumber(a.getSeverity()))
        .put("event.reason", a.getSummary())
        .put("event.start", a.getFirstSeen().toString())
        .put("event.end", a.getLastSeen().toString())
        .put("destination.port", a.getDestinationPort())
        .put("source.ip", sharedAddress(a.getEvidence().getSampleFlows(), FlowSample::getSrcAddr))
        .put("destination.ip", sharedAddress(a.getEvidence().getSampleFlows(), FlowSample::getDstAddr));
    if (a.getProtocol() != null) {
      f.put("network.transport", Ecs.transport(a.getProtocol())).put("network.iana_number", a.getProtocol().toString());
    }
    if (src != null && dst != null) {
      f.put("network.direction", Ecs.direction(src, dst));
    }
    if (src != null) {
      Ecs.putWorkload(f, src.getNamespace(), src.getKind(), src.getName());
    }
    Ecs.putEdgeEndpoint(f, "source", src);
    Ecs.putEdgeEndpoint(f, "destination", dst);
    Evidence evidence = a.getEvidence();
    f.put("flowtel.anomaly.id", a.getId())
        .put("flowtel.anomaly.type", a.getType().name())
        .put("flowtel.anomaly.severity", a.getSeverity().name())
        .put("flowtel.anomaly.summary", a.getSummary())
        .put("flowtel.evidence.counters", new TreeMap<>(evidence.getCounters()))
        .put("flowtel.evidence.measurements", new TreeMap<>(evidence.getMeasurements()))
        .put("flowtel.evidence.text", evidenceText(evidence))
        .put("flowtel.evidence.sample_flows", sampleFlows(evidence.getSampleFlows()))
        .put("flowtel.evidence.policy_explanation", evidence.getPolicyExplanation())
        .put("flowtel.revision", a.getRevision());
    return new IndexDocument(names.anomaliesIndex(a.getFirstSeen()), a.getId(), (long) a.getRevision(), f.toMap());
  }

  /** One line for tables: {@code flows=12 distinctPorts=40; zScore=4.1}. */
  static String evidenceText(Evidence evidence) {
    String counters = new TreeMap<>(evidence.getCounters()).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    String measurements = new TreeMap<>(evidence.getMeasurements()).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    String text = counters.isEmpty() || measurements.isEmpty() ? counters + measurements : counters + "; " + measurements;
    return text.isEmpty() ? null : text;
  }

  /**
   * The address every sample flow has on one side, or null: a port scan's scanner and target, an
   * egress's client; never a pick among several (an IP sweep's targets, a spike's many clients).
   * Lets a SIEM rule or a Kibana filter on {@code source.ip} find the alerts about one host. Only an
   * IP literal is copied: a malformed sample stays where it is, and Elasticsearch's refusal names
   * the sample's field, not an ECS field the detector never wrote.
   */
  private static String sharedAddress(List<FlowSample> samples, Function<FlowSample, String> side) {
    Set<String> addresses = samples.stream().map(side).collect(Collectors.toSet());
    if (addresses.size() != 1) {
      return null;
    }
    String address = addresses.iterator().next();
    return address != null && (IPV4.matcher(address).matches() || ipv6(address)) ? address : null;
  }

  /** An IPv6 literal; with a colon in it the JDK parses it as one and never asks DNS. */
  private static boolean ipv6(String address) {
    if (address.indexOf(':') < 0 || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      return false;
    }
    try {
      InetAddress.getByName(address);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static List<Map<String, Object>> sampleFlows(List<FlowSample> samples) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (FlowSample s : samples) {
      list.add(new DocumentFields()
          .put("source_ip", s.getSrcAddr())
          .put("source_port", s.getSrcPort())
          .put("destination_ip", s.getDstAddr())
          .put("destination_port", s.getDstPort())
          .put("transport", Ecs.transport(s.getProtocol()))
          .put("flow_end", s.getFlowEnd().toString())
          .toMap());
    }
    return list;
  }
}
