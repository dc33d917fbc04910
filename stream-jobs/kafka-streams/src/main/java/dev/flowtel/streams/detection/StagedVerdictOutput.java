package dev.flowtel.streams.detection;

import dev.flowtel.core.staged.StagedPolicyWindows;
import dev.flowtel.schema.StagedPolicyVerdict;
import dev.flowtel.streams.input.Outbound;
import dev.flowtel.streams.input.Routed;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Every staged policy verdict to the staged verdicts topic through the app's one sink, keyed by
 * policy, edge and window ({@link StagedPolicyWindows#recordKey}), so a compacting or idempotent
 * consumer keeps one record per window even after a replay.
 */
final class StagedVerdictOutput {

  private final ProcessorContext<byte[], Routed> context;
  private final String topic;
  private final AppMetrics metrics;
  private final WireCodec<StagedPolicyVerdict> codec = WireCodec.of(RecordType.STAGED_POLICY_VERDICT);

  StagedVerdictOutput(ProcessorContext<byte[], Routed> context, String topic, AppMetrics metrics) {
    this.context = context;
    this.topic = topic;
    this.metrics = metrics;
  }

  void emit(StagedPolicyVerdict verdict) {
    metrics.stagedVerdicts.increment();
    // Record time is when the verdict was produced, as for anomalies, so retention keeps verdicts of
    // replayed past traffic.
    context.forward(new Record<>(StagedPolicyWindows.recordKey(verdict).getBytes(StandardCharsets.UTF_8),
        new Outbound(topic, codec.encode(verdict)), context.currentSystemTimeMs()));
  }
}
