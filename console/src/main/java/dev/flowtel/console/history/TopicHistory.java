package dev.flowtel.console.history;

import dev.flowtel.console.topic.TopicReaderConfig;
import dev.flowtel.core.edge.EdgeEnd;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.edge.ServiceEdge;
import dev.flowtel.core.policy.IpAddress;
import dev.flowtel.core.policy.history.AnomalySpan;
import dev.flowtel.core.policy.history.ObservedEdge;
import dev.flowtel.core.traffic.TrafficWindows;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The history of a period read straight from the pipeline's topics instead of Elasticsearch: for
 * clusters without the sink, and for the one thing aggregates cannot give, the exact external
 * addresses of an edge (from the flows topic), so a recommended {@code ipBlock} can be a {@code /32}.
 *
 * <p>Every topic is read with read_committed, without a consumer group (it only looks), from the
 * first offset that can hold the period to the end offsets taken when reading starts, so the read
 * ends even while the jobs keep writing. ServiceTraffic is kept at each window's highest revision;
 * of the window sizes present (the job's windows and their rollups, which count the same flows),
 * only the smallest is summed, so nothing counts twice. Anomalies are kept at their last revision
 * and become spans when open at any moment of the period. Records that do not decode are counted
 * and skipped: the sink dead-letters them, this reader only reports how many.
 */
public final class TopicHistory {

  /** Topics and what to read. {@code flowsTopic} null: no external addresses (the flows topic holds 24 h by default). */
  public record Topics(String trafficTopic, String anomaliesTopic, String flowsTopic) {}

  /** What was read; the same shape as the Elasticsearch queries give. */
  public record Read(List<ObservedEdge> edges, List<AnomalySpan> anomalies, Duration windowSize, long windows,
      int anomaliesWithoutSource, long undecodable) {
    public Read {
      edges = List.copyOf(edges);
      anomalies = List.copyOf(anomalies);
    }
  }

  /** How far before the period a ServiceTraffic record's timestamp (its window end) can lie and still start in it. */
  private static final Duration WINDOW_SLACK = Duration.ofHours(1);

  private final Map<String, Object> kafka;
  private final Duration timeout;

  /** @param kafka consumer settings (bootstrap.servers and the like); a group id in them is ignored */
  public TopicHistory(Map<String, Object> kafka, Duration timeout) {
    this.kafka = kafka;
    this.timeout = timeout;
  }

  public Read read(Topics topics, HistoryPeriod period) {
    long[] undecodable = {0};
    Map<String, ServiceTraffic> windows = new HashMap<>();
    WireCodec<ServiceTraffic> trafficCodec = WireCodec.of(RecordType.SERVICE_TRAFFIC);
    scan(topics.trafficTopic(), period.since().minus(WINDOW_SLACK), r -> {
      DecodeResult<ServiceTraffic> decoded = trafficCodec.decode(r.value());
      if (!decoded.isDecoded()) {
        undecodable[0]++;
        return;
      }
      ServiceTraffic t = decoded.orElseThrow();
      if (t.getWindowStart().isBefore(period.since()) || !t.getWindowStart().isBefore(period.until())) {
        return;
      }
      windows.merge(TrafficWindows.recordKey(t), t, (a, b) -> b.getRevision() >= a.getRevision() ? b : a);
    });
    long smallest = windows.values().stream().mapToLong(TopicHistory::sizeMillis).min().orElse(0);
    Map<String, ObservedEdge> edges = new TreeMap<>();
    long counted = 0;
    for (ServiceTraffic t : windows.values()) {
      if (sizeMillis(t) != smallest) {
        continue;
      }
      counted++;
      ObservedEdge observed = ObservedEdge.of(t);
      edges.merge(observed.edge().key(), observed, ObservedEdge::plus);
    }
    if (topics.flowsTopic() != null) {
      addExternalAddresses(topics.flowsTopic(), period, edges, undecodable);
    }

    Map<String, PolicyAnomaly> anomalies = new HashMap<>();
    WireCodec<PolicyAnomaly> anomalyCodec = WireCodec.of(RecordType.POLICY_ANOMALY);
    // Anomalies carry their production time, which can be anywhere after they were first seen: read the whole topic.
    scan(topics.anomaliesTopic(), null, r -> {
      DecodeResult<PolicyAnomaly> decoded = anomalyCodec.decode(r.value());
      if (!decoded.isDecoded()) {
        undecodable[0]++;
        return;
      }
      PolicyAnomaly a = decoded.orElseThrow();
      anomalies.merge(a.getId(), a, (x, y) -> y.getRevision() >= x.getRevision() ? y : x);
    });
    List<AnomalySpan> spans = new ArrayList<>();
    int withoutSource = 0;
    for (PolicyAnomaly a : anomalies.values()) {
      if (!a.getFirstSeen().isBefore(period.until()) || a.getLastSeen().isBefore(period.since())) {
        continue;
      }
      if (a.getSource() == null) {
        withoutSource++;
        continue;
      }
      spans.add(new AnomalySpan(a.getId(), a.getType().name(), EdgeEnd.fromAvro(a.getSource()),
          a.getDestination() == null ? null : EdgeEnd.fromAvro(a.getDestination()), a.getDestinationPort(), a.getFirstSeen(),
          a.getLastSeen()));
    }
    spans.sort(java.util.Comparator.comparing(AnomalySpan::firstSeen).thenComparing(AnomalySpan::id));
    return new Read(List.copyOf(edges.values()), spans, smallest == 0 ? null : Duration.ofMillis(smallest), counted,
        withoutSource, undecodable[0]);
  }

  /** The remote addresses of the period's flows on edges with an external or node end. */
  private void addExternalAddresses(String flowsTopic, HistoryPeriod period, Map<String, ObservedEdge> edges, long[] undecodable) {
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    FlowClassifier classifier = new FlowClassifier();
    Map<String, Set<IpAddress>> addresses = new HashMap<>();
    Map<String, Map<IpAddress, String>> domains = new HashMap<>();
    scan(flowsTopic, period.since(), r -> {
      DecodeResult<FlowEvent> decoded = codec.decode(r.value());
      if (!decoded.isDecoded()) {
        undecodable[0]++;
        return;
      }
      FlowEvent flow = decoded.orElseThrow();
      Instant end = flow.getFlowEnd();
      if (end.isBefore(period.since()) || !end.isBefore(period.until())) {
        return;
      }
      classifier.classify(flow).ifPresent(c -> {
        ServiceEdge edge = c.edge();
        boolean serverOutside = edge.destination().outsideCluster();
        if (!serverOutside && !edge.source().outsideCluster()) {
          return;
        }
        // The server's address when the server is outside, else the client's.
        boolean sourceIsServer = c.reply();
        boolean outsideIsSource = serverOutside == sourceIsServer;
        ByteBuffer address = outsideIsSource ? flow.getSrcAddr() : flow.getDstAddr();
        IpAddress outside = IpAddress.ofBytes(address.duplicate());
        addresses.computeIfAbsent(c.edgeKey(), k -> new HashSet<>()).add(outside);
        // The name the collector saw resolved for the outside address (the last flow read that had one), so a
        // rule's evidence can say what was reached.
        Endpoint outsideEnd = outsideIsSource ? flow.getSource() : flow.getDestination();
        String domain = outsideEnd == null || outsideEnd.getDomain() == null ? null : outsideEnd.getDomain().toString();
        if (domain != null && !domain.isBlank()) {
          domains.computeIfAbsent(c.edgeKey(), k -> new HashMap<>()).put(outside, domain);
        }
      });
    });
    addresses.forEach((key, found) -> edges.computeIfPresent(key, (k, e) -> e.plus(new ObservedEdge(e.edge(), 0, 0, 0, 0, 0,
        e.firstSeen(), e.lastSeen(), found, domains.getOrDefault(key, Map.of())))));
  }

  private static long sizeMillis(ServiceTraffic t) {
    return t.getWindowEnd().toEpochMilli() - t.getWindowStart().toEpochMilli();
  }

  /** Every committed record of {@code topic} from the first with a timestamp at or after {@code from} (null: the start) to the end offsets now. */
  private void scan(String topic, Instant from, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> config = TopicReaderConfig.of(kafka, "flowtel-policy-history");
    config.put("max.poll.records", 5_000);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist on " + kafka.get("bootstrap.servers"));
      }
      List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
      Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(assigned, timeout));
      if (from != null) {
        Map<TopicPartition, Long> times = new HashMap<>();
        assigned.forEach(tp -> times.put(tp, from.toEpochMilli()));
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(times, timeout).entrySet()) {
          // No record at or after the time: nothing to read there.
          start.put(e.getKey(), e.getValue() == null ? end.get(e.getKey()) : e.getValue().offset());
        }
      }
      Set<TopicPartition> open = new HashSet<>();
      for (TopicPartition tp : assigned) {
        if (start.get(tp) < end.get(tp)) {
          consumer.seek(tp, start.get(tp));
          open.add(tp);
        }
      }
      consumer.pause(assigned.stream().filter(tp -> !open.contains(tp)).toList());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!open.isEmpty()) {
        var batch = consumer.poll(Duration.ofMillis(500));
        if (batch.isEmpty() && System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + topic + " made no progress for " + timeout + "; partitions left: " + open);
        }
        if (!batch.isEmpty()) {
          deadline = System.nanoTime() + timeout.toNanos();
        }
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < end.get(tp)) {
            each.accept(r);
          }
        }
        // A transaction's markers take offsets: a partition is done once its position reaches the end offset.
        List<TopicPartition> done = open.stream().filter(tp -> consumer.position(tp) >= end.get(tp)).toList();
        done.forEach(open::remove);
        consumer.pause(done);
      }
    }
  }
}
