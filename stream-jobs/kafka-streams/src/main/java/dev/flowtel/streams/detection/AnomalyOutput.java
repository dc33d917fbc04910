package dev.flowtel.streams.detection;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.latency.EvidenceEnd;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.streams.input.Outbound;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Every anomaly revision to the anomalies topic, keyed by its id (revisions share a key), and into
 * this processor's store of open anomalies for {@code /anomalies/open}: an anomaly stays there until
 * event time passes its last sighting plus the cooldown, when a new finding would open a new one.
 */
final class AnomalyOutput {

  private final ProcessorContext<byte[], Routed> context;
  private final KeyValueStore<String, byte[]> open;
  private final String topic;
  private final DetectionConfig config;
  private final AppMetrics metrics;
  private final WireCodec<PolicyAnomaly> codec = WireCodec.of(RecordType.POLICY_ANOMALY);

  AnomalyOutput(ProcessorContext<byte[], Routed> context, KeyValueStore<String, byte[]> open, String topic,
      DetectionConfig config, AppMetrics metrics) {
    this.context = context;
    this.open = open;
    this.topic = topic;
    this.config = config;
    this.metrics = metrics;
  }

  void emit(PolicyAnomaly anomaly) {
    byte[] value = codec.encode(anomaly);
    metrics.anomalyRevisions.increment();
    if (anomaly.getRevision() == 0) {
      metrics.producedLatency.of("anomaly").recordSince(EvidenceEnd.of(anomaly), System.currentTimeMillis());
    }
    // Record time is when the anomaly was produced, as the Flink job's, so retention keeps
    // anomalies found in replayed past traffic.
    context.forward(new Record<>(anomaly.getId().getBytes(StandardCharsets.UTF_8), new Outbound(topic, value),
        context.currentSystemTimeMs()));
    open.put(anomaly.getId(), value);
  }

  void expire(long watermark) {
    List<String> closed = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = open.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> e = it.next();
        PolicyAnomaly anomaly = codec.decode(e.value).orElseThrow();
        if (anomaly.getLastSeen().toEpochMilli() + config.cooldown().toMillis() < watermark) {
          closed.add(e.key);
        }
      }
    }
    closed.forEach(open::delete);
  }
}
