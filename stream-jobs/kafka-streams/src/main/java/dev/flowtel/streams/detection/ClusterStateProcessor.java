package dev.flowtel.streams.detection;

import dev.flowtel.core.judgement.ClusterStateVersions;
import dev.flowtel.core.judgement.PolicyTimeline;
import dev.flowtel.schema.ClusterState;
import dev.flowtel.streams.metrics.AppMetrics;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the compacted cluster-state topic in a global store as {@link ClusterStateVersions} (every
 * version under {@code key@observedAt}, the newest few per key; a tombstone takes effect at its
 * record time), the same state the Flink job broadcasts. A record that is not a valid ClusterState
 * is logged and counted: a global store's processor cannot write to a topic, so unlike the Flink
 * job it does not reach the dead-letter topic.
 */
public final class ClusterStateProcessor implements Processor<byte[], byte[], Void, Void> {

  public static final String STORE = "cluster-state-versions";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterStateProcessor.class);

  private final ClusterStateFeed feed;
  private final AppMetrics metrics;
  private final WireCodec<ClusterState> codec = WireCodec.of(RecordType.CLUSTER_STATE);
  private KeyValueStore<String, byte[]> store;

  public ClusterStateProcessor(ClusterStateFeed feed, AppMetrics metrics) {
    this.feed = feed;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
    feed.changed();
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.key() == null) {
      skip("(no key)", "cluster-state record without a key: the key must be kind/namespace/name");
      return;
    }
    String key = new String(record.key(), StandardCharsets.UTF_8);
    long observedAt = record.timestamp();
    ClusterState state = null;
    if (record.value() != null) {
      DecodeResult<ClusterState> result = codec.decode(record.value());
      if (result instanceof DecodeResult.Failed<ClusterState> failed) {
        skip(key, failed.cause().reason() + ": " + failed.detail());
        return;
      }
      state = result.orElseThrow();
      observedAt = state.getObservedAt().toEpochMilli();
    }
    try {
      new PolicyTimeline().apply(key, state, observedAt);
    } catch (IllegalArgumentException e) {
      skip(key, e.getMessage());
      return;
    }
    store.put(ClusterStateVersions.versionKey(key, observedAt),
        record.value() == null ? ClusterStateVersions.TOMBSTONE : record.value());
    List<String> versions = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(key + '@', new StringSerializer())) {
      it.forEachRemaining(e -> versions.add(e.key));
    }
    ClusterStateVersions.prunable(versions).forEach(store::delete);
    feed.changed();
  }

  private void skip(String key, String reason) {
    metrics.clusterStateSkipped.increment();
    LOG.warn("cluster-state record {} skipped: {}", key, reason);
  }
}
