package dev.flowtel.flink.detection;

import dev.flowtel.core.latency.EvidenceEnd;
import dev.flowtel.flink.metrics.EvidenceLatencyHistogram;
import dev.flowtel.schema.PolicyAnomaly;
import java.util.function.Consumer;
import org.apache.flink.util.Collector;

/** Emits a detection operator's anomalies and measures the first revisions' latency from their evidence end. */
final class AnomalyEmission {

  private final EvidenceLatencyHistogram latency;
  // The operator hands the same collector to every call: one consumer for it, not one per flow.
  private Collector<PolicyAnomaly> lastOut;
  private Consumer<PolicyAnomaly> lastConsumer;

  AnomalyEmission(EvidenceLatencyHistogram latency) {
    this.latency = latency;
  }

  Consumer<PolicyAnomaly> to(Collector<PolicyAnomaly> out) {
    if (out != lastOut) {
      lastOut = out;
      lastConsumer = consumer(out);
    }
    return lastConsumer;
  }

  private Consumer<PolicyAnomaly> consumer(Collector<PolicyAnomaly> out) {
    return anomaly -> {
      out.collect(anomaly);
      if (anomaly.getRevision() == 0) {
        latency.emittedNow(EvidenceEnd.of(anomaly));
      }
    };
  }
}
