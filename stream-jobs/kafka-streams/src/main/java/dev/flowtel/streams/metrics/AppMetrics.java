package dev.flowtel.streams.metrics;

import dev.flowtel.core.latency.LatencyHistograms;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The app's own counters (Kafka Streams' metrics come on top), exported at /metrics; one per instance. */
public final class AppMetrics {

  public final LongAdder flowsIn = new LongAdder();
  public final LongAdder duplicateObservations = new LongAdder();
  public final LongAdder undecodable = new LongAdder();
  public final LongAdder lateFlows = new LongAdder();
  public final LongAdder trafficRecords = new LongAdder();
  public final LongAdder anomalyRevisions = new LongAdder();
  public final LongAdder stagedVerdicts = new LongAdder();
  public final LongAdder clusterStateSkipped = new LongAdder();
  public final LongAdder dnsIn = new LongAdder();
  public final LongAdder dnsUndecodable = new LongAdder();
  public final LongAdder lateDns = new LongAdder();
  public final LongAdder dnsActivityRecords = new LongAdder();
  /**
   * From the end of a record's evidence (anomaly lastSeen, traffic windowEnd) to the moment the
   * app produced it, for first revisions, by {@code kind} (anomaly, traffic). Produced is not yet
   * visible: with exactly_once_v2 a read_committed reader sees it after the commit that follows.
   */
  public final LatencyHistograms producedLatency = new LatencyHistograms("flowtel_streams_evidence_to_produced_seconds",
      "From the end of a record's evidence (anomaly lastSeen, traffic windowEnd; first revisions) to the app producing it.", "kind");

  /** Name (Prometheus style) to value and help text. */
  public Map<String, Counter> counters() {
    Map<String, Counter> out = new LinkedHashMap<>();
    out.put("flowtel_streams_flows_in_total", new Counter(flowsIn.sum(), "Records read from the flows topic."));
    out.put("flowtel_streams_duplicate_observations_total",
        new Counter(duplicateObservations.sum(), "Flows dropped as duplicate observations of a counted one."));
    out.put("flowtel_streams_undecodable_total", new Counter(undecodable.sum(), "Flows records sent to the DLQ as undecodable."));
    out.put("flowtel_streams_late_flows_total", new Counter(lateFlows.sum(), "Flows beyond the allowed lateness, sent to the DLQ."));
    out.put("flowtel_streams_traffic_records_total", new Counter(trafficRecords.sum(), "ServiceTraffic records (revisions included) written."));
    out.put("flowtel_streams_anomaly_revisions_total", new Counter(anomalyRevisions.sum(), "PolicyAnomaly revisions written."));
    out.put("flowtel_streams_staged_verdicts_total",
        new Counter(stagedVerdicts.sum(), "StagedPolicyVerdict records (one per staged policy, edge and window) written."));
    out.put("flowtel_streams_cluster_state_skipped_total",
        new Counter(clusterStateSkipped.sum(), "Cluster-state records skipped as undecodable or invalid (logged)."));
    out.put("flowtel_streams_dns_in_total", new Counter(dnsIn.sum(), "Records read from the DNS transactions topic."));
    out.put("flowtel_streams_dns_undecodable_total",
        new Counter(dnsUndecodable.sum(), "DNS records sent to the DLQ as undecodable."));
    out.put("flowtel_streams_late_dns_total",
        new Counter(lateDns.sum(), "DNS transactions beyond the allowed lateness of their activity window, sent to the DLQ."));
    out.put("flowtel_streams_dns_activity_records_total",
        new Counter(dnsActivityRecords.sum(), "DnsActivity records (revisions included) written."));
    return out;
  }

  public record Counter(long value, String help) {}
}
