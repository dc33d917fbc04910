package dev.flowtel.streams.http;

import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.EdgeEndpoint;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.streams.detection.EdgeDetectionProcessor;
import dev.flowtel.streams.detection.KeyedDetectionProcessor;
import dev.flowtel.streams.traffic.TrafficWindowProcessor;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over this instance's stores: the top service edges of a base window by bytes
 * (from the latest ServiceTraffic of each window, kept for {@code --query-retention}), and the
 * anomalies still open (within the cooldown of their last sighting). With several instances each
 * answers for the partitions it holds.
 */
public final class StoreQueries {

  private final KafkaStreams streams;
  private final long windowMillis;
  private final WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
  private final WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);

  public StoreQueries(KafkaStreams streams, Duration window) {
    this.streams = streams;
    this.windowMillis = window.toMillis();
  }

  /** {@code window}: {@code latest} or an ISO-8601 instant inside the wanted base window. */
  public Map<String, Object> topEdges(int n, String window) {
    ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
        TrafficWindowProcessor.LATEST_STORE, QueryableStoreTypes.keyValueStore()));
    long start;
    if (window.equals("latest")) {
      start = latestWindowStart();
    } else {
      try {
        start = TrafficWindows.start(Instant.parse(window).toEpochMilli(), windowMillis);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("window=" + window + ": expected latest or an ISO-8601 instant such as 2026-11-26T10:00:00Z");
      }
    }
    List<ServiceTraffic> inWindow = new ArrayList<>();
    if (start != Long.MIN_VALUE) {
      try (KeyValueIterator<Bytes, byte[]> it = store.range(prefix(start), prefix(start + 1))) {
        while (it.hasNext()) {
          KeyValue<Bytes, byte[]> e = it.next();
          if (time(e.key) == start) {
            inWindow.add(trafficCodec.decode(e.value).orElseThrow());
          }
        }
      }
    }
    inWindow.sort(Comparator.comparingLong((ServiceTraffic t) -> t.getBytesToDestination() + t.getBytesToSource()).reversed()
        .thenComparing(TrafficWindows::edgeKey));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("windowStart", start == Long.MIN_VALUE ? null : Instant.ofEpochMilli(start).toString());
    body.put("windowEnd", start == Long.MIN_VALUE ? null : Instant.ofEpochMilli(start + windowMillis).toString());
    List<Map<String, Object>> edges = new ArrayList<>();
    for (ServiceTraffic t : inWindow.subList(0, Math.min(n, inWindow.size()))) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("edge", TrafficWindows.edgeKey(t));
      e.put("source", end(t.getSource()));
      e.put("destination", end(t.getDestination()));
      e.put("destinationPort", t.getDestinationPort());
      e.put("protocol", t.getProtocol());
      e.put("bytes", t.getBytesToDestination() + t.getBytesToSource());
      e.put("bytesToDestination", t.getBytesToDestination());
      e.put("bytesToSource", t.getBytesToSource());
      e.put("flows", t.getFlows());
      e.put("distinctSourcePods", t.getDistinctSourcePods());
      e.put("revision", t.getRevision());
      edges.add(e);
    }
    body.put("edges", edges);
    return body;
  }

  /**
   * The newest window held here: the last key of each local partition's store (keys are ordered
   * by window start), so no store is scanned whole.
   */
  private long latestWindowStart() {
    java.util.Set<Integer> partitions = new java.util.TreeSet<>();
    streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(
        task -> partitions.add(task.taskId().partition())));
    long latest = Long.MIN_VALUE;
    for (int partition : partitions) {
      ReadOnlyKeyValueStore<Bytes, byte[]> store;
      try {
        store = streams.store(StoreQueryParameters.fromNameAndType(TrafficWindowProcessor.LATEST_STORE,
            QueryableStoreTypes.<Bytes, byte[]>keyValueStore()).withPartition(partition));
      } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
        continue; // this partition's traffic task runs on another instance
      }
      try (KeyValueIterator<Bytes, byte[]> it = store.reverseAll()) {
        if (it.hasNext()) {
          latest = Math.max(latest, time(it.next().key));
        }
      }
    }
    return latest;
  }

  public List<Map<String, Object>> openAnomalies() {
    List<PolicyAnomaly> open = new ArrayList<>();
    for (String name : List.of(EdgeDetectionProcessor.OPEN, KeyedDetectionProcessor.openStore(Grouping.CLIENT_ADDRESS),
        KeyedDetectionProcessor.openStore(Grouping.CLIENT_WORKLOAD))) {
      ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(name,
          QueryableStoreTypes.keyValueStore()));
      try (KeyValueIterator<String, byte[]> it = store.all()) {
        it.forEachRemaining(e -> open.add(anomalyCodec.decode(e.value).orElseThrow()));
      }
    }
    open.sort(Comparator.comparing(PolicyAnomaly::getLastSeen).reversed().thenComparing(PolicyAnomaly::getId));
    List<Map<String, Object>> out = new ArrayList<>();
    for (PolicyAnomaly a : open) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.getId());
      m.put("type", a.getType().name());
      m.put("severity", a.getSeverity().name());
      m.put("firstSeen", a.getFirstSeen().toString());
      m.put("lastSeen", a.getLastSeen().toString());
      m.put("source", a.getSource() == null ? null : end(a.getSource()));
      m.put("destination", a.getDestination() == null ? null : end(a.getDestination()));
      m.put("destinationPort", a.getDestinationPort());
      m.put("summary", a.getSummary());
      m.put("revision", a.getRevision());
      out.add(m);
    }
    return out;
  }

  private static String end(EdgeEndpoint e) {
    return (e.getNamespace() == null ? "-" : e.getNamespace()) + '/' + e.getKind() + '/' + e.getName();
  }

  private static Bytes prefix(long time) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(time ^ Long.MIN_VALUE).array());
  }

  private static long time(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }
}
