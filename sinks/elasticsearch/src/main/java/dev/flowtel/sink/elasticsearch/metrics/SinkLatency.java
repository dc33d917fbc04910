package dev.flowtel.sink.elasticsearch.metrics;

import dev.flowtel.core.latency.EvidenceEnd;
import dev.flowtel.core.latency.LatencyHistogram;
import dev.flowtel.core.latency.LatencyHistograms;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;

/**
 * The sink is the one place that sees both ends of a record's way: from the end of its evidence
 * (the record's own {@code lastSeen} or {@code windowEnd}, see {@link EvidenceEnd}) to the moment
 * a {@code read_committed} poll returned it (it was committed on the topic), and to the moment
 * Elasticsearch acknowledged its document. Measured on first revisions only (revision 0: the
 * anomaly as first reported, the window as it closed); later revisions answer late flows and
 * cooldowns, not the evidence. A replay after a restart measures its records again, late.
 */
public final class SinkLatency {

  /** Label values of {@code kind}. */
  public static final String ANOMALY = "anomaly";
  public static final String TRAFFIC = "traffic";

  public static final String COMMITTED_METRIC = "flowtel_sink_evidence_to_committed_seconds";
  public static final String INDEXED_METRIC = "flowtel_sink_evidence_to_indexed_seconds";

  /** One record's kind and evidence end, carried with its document to the acknowledgement. */
  public record Measured(String kind, long evidenceEndMillis) {}

  private final LatencyHistograms committed = new LatencyHistograms(COMMITTED_METRIC,
      "From the end of a record's evidence (anomaly lastSeen, traffic windowEnd; first revisions) to a read_committed poll returning it.",
      "kind");
  private final LatencyHistograms indexed = new LatencyHistograms(INDEXED_METRIC,
      "From the end of a record's evidence (anomaly lastSeen, traffic windowEnd; first revisions) to Elasticsearch acknowledging its document.",
      "kind");

  /** What the anomaly's latency is measured from, or null when this revision is not measured. */
  public static Measured of(PolicyAnomaly anomaly) {
    return anomaly.getRevision() == 0 ? new Measured(ANOMALY, EvidenceEnd.of(anomaly)) : null;
  }

  /** What the window's latency is measured from, or null when this revision is not measured. */
  public static Measured of(ServiceTraffic traffic) {
    return traffic.getRevision() == 0 ? new Measured(TRAFFIC, EvidenceEnd.of(traffic)) : null;
  }

  /** The record was returned by a read_committed poll at {@code nowMillis}. */
  public void committed(Measured measured, long nowMillis) {
    committed.of(measured.kind()).recordSince(measured.evidenceEndMillis(), nowMillis);
  }

  /** The record's window or anomaly became searchable at {@code nowMillis}: its document stored, or a later revision already was. */
  public void indexed(Measured measured, long nowMillis) {
    indexed.of(measured.kind()).recordSince(measured.evidenceEndMillis(), nowMillis);
  }

  public LatencyHistogram.Snapshot committed(String kind) {
    return committed.snapshot(kind);
  }

  public LatencyHistogram.Snapshot indexed(String kind) {
    return indexed.snapshot(kind);
  }

  public void appendPrometheusText(StringBuilder out) {
    committed.appendPrometheusText(out);
    indexed.appendPrometheusText(out);
  }
}
