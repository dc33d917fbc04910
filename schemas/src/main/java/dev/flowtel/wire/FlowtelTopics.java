package dev.flowtel.wire;

import java.util.List;
import java.util.Map;

/** Every Kafka topic of the pipeline, named once; programs take these as defaults of their topic options. */
public final class FlowtelTopics {

  /** FlowEvent, keyed so one service edge stays in one partition. */
  public static final String FLOWS = "flowtel.flows.v1";
  /** ClusterState, compacted, keyed kind/namespace/name; a tombstone deletes. */
  public static final String CLUSTER_STATE = "flowtel.cluster-state.v1";
  /** ServiceTraffic, one record per service edge per window (and revision). */
  public static final String SERVICE_TRAFFIC = "flowtel.service-traffic.v1";
  /** PolicyAnomaly, keyed by anomaly id; users subscribe here. */
  public static final String ANOMALIES = "flowtel.anomalies.v1";
  /** StagedPolicyVerdict, one record per staged policy, service edge and window: what staged policies would do. */
  public static final String STAGED_VERDICTS = "flowtel.staged-verdicts.v1";
  /** DnsTransaction, one record per DNS query seen by a node, keyed by the client's namespace/workload. */
  public static final String DNS = "flowtel.dns.v1";
  /** DnsActivity, one record per client workload, query name and window (and revision), keyed {@code <client key>|<name>}. */
  public static final String DNS_ACTIVITY = "flowtel.dns-activity.v1";
  /** Undecodable or late records: the original bytes, with the reason in headers (see DeadLetterHeaders). */
  public static final String DLQ = "flowtel.dlq.v1";

  private FlowtelTopics() {}

  /** How a topic is laid out; {@code config} holds Kafka topic configs such as cleanup.policy. */
  public record TopicLayout(String name, Map<String, String> config) {}

  public static List<TopicLayout> layouts() {
    String week = Long.toString(7L * 24 * 3600 * 1000);
    return List.of(
        new TopicLayout(FLOWS, Map.of("retention.ms", Long.toString(24L * 3600 * 1000), "compression.type", "producer")),
        new TopicLayout(CLUSTER_STATE, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")),
        new TopicLayout(SERVICE_TRAFFIC, Map.of("retention.ms", week)),
        new TopicLayout(ANOMALIES, Map.of("retention.ms", week)),
        new TopicLayout(STAGED_VERDICTS, Map.of("retention.ms", week)),
        new TopicLayout(DNS, Map.of("retention.ms", Long.toString(24L * 3600 * 1000), "compression.type", "producer")),
        new TopicLayout(DNS_ACTIVITY, Map.of("retention.ms", week)),
        new TopicLayout(DLQ, Map.of("retention.ms", week)));
  }
}
