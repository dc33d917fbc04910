package dev.flowtel.streams.query;

import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.streams.detection.EdgeDetectionProcessor;
import dev.flowtel.streams.detection.DnsDetectionProcessor;
import dev.flowtel.streams.detection.KeyedDetectionProcessor;
import dev.flowtel.streams.traffic.TrafficWindowProcessor;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over this instance's stores: the top service edges of a base window by bytes
 * (from the latest ServiceTraffic of each window, kept for {@code --query-retention}), and the
 * anomalies still open (within the cooldown of their last sighting). Only the active tasks held
 * here answer; {@link FleetQueries} asks the other instances and merges.
 *
 * <p>Each store is read partition by partition, for the active tasks of its sub-topology that this
 * instance holds: an instance that holds none of them (more instances than partitions, or only
 * standbys of it) has no part of the answer and gives an empty one, while a task held here whose
 * store is not queryable (restoring after a failover) fails the answer, so that the whole
 * application's answer says it is partial instead of silently leaving that partition out.
 */
public final class StoreQueries implements FleetQueries.Local {

  private final KafkaStreams streams;
  private final long windowMillis;
  private final Map<String, Integer> subtopologyOfStore;
  private final WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
  private final WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);

  public StoreQueries(KafkaStreams streams, Duration window, TopologyDescription topology) {
    this.streams = streams;
    this.windowMillis = window.toMillis();
    Map<String, Integer> subtopologies = new HashMap<>();
    for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
      for (TopologyDescription.Node node : subtopology.nodes()) {
        if (node instanceof TopologyDescription.Processor processor) {
          processor.stores().forEach(store -> subtopologies.put(store, subtopology.id()));
        }
      }
    }
    this.subtopologyOfStore = Map.copyOf(subtopologies);
  }

  /** {@code window}: {@code latest} or an ISO-8601 instant inside the wanted base window. */
  @Override
  public TopEdges topEdges(int n, String window) {
    long requested = window.equals("latest") ? Long.MIN_VALUE : windowStart(window, windowMillis);
    List<ReadOnlyKeyValueStore<Bytes, byte[]>> stores = heldPartitions(TrafficWindowProcessor.LATEST_STORE);
    long start = window.equals("latest") ? latestWindowStart(stores) : requested;
    if (start == Long.MIN_VALUE) {
      return TopEdges.none();
    }
    List<ServiceTraffic> inWindow = new ArrayList<>();
    for (ReadOnlyKeyValueStore<Bytes, byte[]> store : stores) {
      try (KeyValueIterator<Bytes, byte[]> it = store.range(prefix(start), prefix(start + 1))) {
        while (it.hasNext()) {
          KeyValue<Bytes, byte[]> e = it.next();
          if (time(e.key) == start) {
            inWindow.add(trafficCodec.decode(e.value).orElseThrow());
          }
        }
      }
    }
    List<EdgeRow> rows = new ArrayList<>();
    inWindow.forEach(t -> rows.add(EdgeRow.of(t)));
    rows.sort(QueryMerge.LARGEST_FIRST);
    return new TopEdges(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + windowMillis),
        rows.subList(0, Math.min(n, rows.size())));
  }

  /** The start of the base window holding {@code instant}; a readable error for anything but an ISO-8601 instant. */
  static long windowStart(String instant, long windowMillis) {
    try {
      return TrafficWindows.start(Instant.parse(instant).toEpochMilli(), windowMillis);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("window=" + instant + ": expected latest or an ISO-8601 instant such as 2026-11-26T10:00:00Z");
    }
  }

  /** The newest window held here: the last key of each partition's store (keys are ordered by window start), so no store is scanned whole. */
  private static long latestWindowStart(List<ReadOnlyKeyValueStore<Bytes, byte[]>> stores) {
    long latest = Long.MIN_VALUE;
    for (ReadOnlyKeyValueStore<Bytes, byte[]> store : stores) {
      try (KeyValueIterator<Bytes, byte[]> it = store.reverseAll()) {
        if (it.hasNext()) {
          latest = Math.max(latest, time(it.next().key));
        }
      }
    }
    return latest;
  }

  /**
   * The store {@code name} of every active task of its sub-topology held here, one per partition;
   * none when this instance holds no such task.
   *
   * @throws InvalidStateStoreException when a task held here cannot be queried yet (e.g. restoring)
   */
  private <K> List<ReadOnlyKeyValueStore<K, byte[]>> heldPartitions(String name) {
    Integer subtopology = subtopologyOfStore.get(name);
    Set<Integer> partitions = new TreeSet<>();
    streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().stream()
        .filter(task -> subtopology != null && task.taskId().subtopology() == subtopology)
        .forEach(task -> partitions.add(task.taskId().partition())));
    List<ReadOnlyKeyValueStore<K, byte[]>> stores = new ArrayList<>();
    for (int partition : partitions) {
      stores.add(streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, byte[]>keyValueStore())
          .withPartition(partition)));
    }
    return stores;
  }

  @Override
  public List<OpenAnomaly> openAnomalies() {
    List<OpenAnomaly> open = new ArrayList<>();
    for (String name : List.of(EdgeDetectionProcessor.OPEN, KeyedDetectionProcessor.openStore(Grouping.CLIENT_ADDRESS),
        KeyedDetectionProcessor.openStore(Grouping.CLIENT_WORKLOAD), DnsDetectionProcessor.OPEN)) {
      for (ReadOnlyKeyValueStore<String, byte[]> store : this.<String>heldPartitions(name)) {
        try (KeyValueIterator<String, byte[]> it = store.all()) {
          it.forEachRemaining(e -> open.add(OpenAnomaly.of(anomalyCodec.decode(e.value).orElseThrow())));
        }
      }
    }
    open.sort(OpenAnomaly.NEWEST_FIRST);
    return open;
  }

  private static Bytes prefix(long time) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(time ^ Long.MIN_VALUE).array());
  }

  private static long time(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }
}
