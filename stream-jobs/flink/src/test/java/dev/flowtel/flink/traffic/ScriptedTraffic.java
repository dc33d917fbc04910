package dev.flowtel.flink.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.traffic.TrafficAccumulator;
import dev.flowtel.flink.kafka.ServiceTrafficRecordSerializer;
import dev.flowtel.flink.testing.KafkaTopics;
import dev.flowtel.schema.Endpoint;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The input of the ITs that run the job jar outside a MiniCluster (a session cluster, the image):
 * flow observations of 40 service edges in order, the partition and flow end of each, and the
 * ten-second windows they sum to; then one exchange per partition far later, which closes every
 * window of the input.
 */
record ScriptedTraffic(List<byte[]> arrivals, List<Integer> partitions, List<Long> flowEnds,
    Map<String, TrafficAccumulator> expected, int partitionCount) {

  /** Flows at this time close every window of the input; their own windows are not checked. */
  static final long CLOSING = ScriptedFlows.T0.toEpochMilli() + 600_000;

  int size() {
    return arrivals.size();
  }

  int firstEndingAtOrAfter(long millis) {
    for (int i = 0; i < size(); i++) {
      if (flowEnds.get(i) >= millis) {
        return i;
      }
    }
    throw new IllegalArgumentException("no flow ends at or after " + millis);
  }

  /** The offsets of each partition after the first {@code count} arrivals (the topic is new, the producer idempotent). */
  Map<TopicPartition, Long> ends(String topic, int count) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    for (int p = 0; p < partitionCount; p++) {
      ends.put(new TopicPartition(topic, p), 0L);
    }
    for (int i = 0; i < count; i++) {
      ends.merge(new TopicPartition(topic, partitions.get(i)), 1L, Long::sum);
    }
    return ends;
  }

  /** The closing exchanges' arrivals, partition by partition: arrival i goes to partition {@code i / closingPerPartition()}. */
  List<byte[]> closingArrivals() {
    List<byte[]> closing = new ArrayList<>();
    double second = (CLOSING - ScriptedFlows.T0.toEpochMilli()) / 1000.0;
    for (int p = 0; p < partitionCount; p++) {
      closing.addAll(closingExchange(p, second).arrivals());
    }
    return closing;
  }

  int closingPerPartition() {
    return closingExchange(0, 0).arrivals().size();
  }

  /** Each partition's offset after the whole input and the closing flows. */
  Map<TopicPartition, Long> endsWithClosing(String topic) {
    Map<TopicPartition, Long> ends = ends(topic, size());
    ends.replaceAll((tp, offset) -> offset + closingPerPartition());
    return ends;
  }

  /**
   * Every window of the input, read with read_committed, once, with the input's sums. The window
   * results of the checkpoint that committed the last input offsets may commit a moment after
   * those offsets, so this reads until every expected window is there (the deadline is a safety net).
   */
  void assertConserved(Supplier<List<ServiceTraffic>> committed) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    Map<String, List<ServiceTraffic>> byWindow;
    do {
      byWindow = new TreeMap<>();
      for (ServiceTraffic t : committed.get()) {
        if (t.getWindowStart().toEpochMilli() < CLOSING - 60_000) {
          byWindow.computeIfAbsent(ServiceTrafficRecordSerializer.key(t), k -> new ArrayList<>()).add(t);
        }
      }
      if (byWindow.keySet().containsAll(expected.keySet())) {
        break;
      }
      pause();
    } while (Instant.now().isBefore(deadline));
    assertThat(byWindow.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    long outputBytes = 0;
    long outputPackets = 0;
    for (Map.Entry<String, List<ServiceTraffic>> window : byWindow.entrySet()) {
      assertThat(window.getValue()).as("records of %s", window.getKey()).hasSize(1);
      ServiceTraffic actual = window.getValue().get(0);
      long start = actual.getWindowStart().toEpochMilli();
      assertThat(actual).as(window.getKey()).isEqualTo(expected.get(window.getKey()).toServiceTraffic(start, start + 10_000, 0));
      outputBytes += actual.getBytesToDestination() + actual.getBytesToSource();
      outputPackets += actual.getPacketsToDestination() + actual.getPacketsToSource();
    }
    long inputBytes = 0;
    long inputPackets = 0;
    for (TrafficAccumulator a : expected.values()) {
      ServiceTraffic sums = a.toServiceTraffic(0, 1, 0);
      inputBytes += sums.getBytesToDestination() + sums.getBytesToSource();
      inputPackets += sums.getPacketsToDestination() + sums.getPacketsToSource();
    }
    assertThat(outputBytes).as("bytes out = bytes in").isEqualTo(inputBytes);
    assertThat(outputPackets).as("packets out = packets in").isEqualTo(inputPackets);
  }

  /**
   * {@code exchanges} exchanges (four observations each: each direction seen at both ends) on 40
   * edges, 20 ms apart, in event-time order per partition.
   */
  static ScriptedTraffic generate(int partitionCount, int exchanges) {
    List<byte[]> arrivals = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    List<Long> flowEnds = new ArrayList<>();
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    FlowClassifier classifier = new FlowClassifier();
    Map<String, TrafficAccumulator> expected = new HashMap<>();
    for (int i = 0; i < exchanges; i++) {
      int client = i % 40;
      double second = i * 0.02;
      Endpoint from = ScriptedFlows.pod("client-" + client + "-0", "client-" + client, "Deployment", "node-a", List.of());
      Endpoint to = ScriptedFlows.pod("server-" + (client % 5) + "-0", "server-" + (client % 5), "Deployment", "node-b",
          List.of("server-" + (client % 5)));
      byte[] fromIp = {10, (byte) 244, 1, (byte) client};
      byte[] toIp = {10, (byte) 244, 2, (byte) (client % 5)};
      ScriptedFlows exchange = new ScriptedFlows().exchange(from, fromIp, 40_000 + i % 20_000, to, toIp, 8080, second,
          100 + i % 900, 1_000 + i % 9_000, 0x12, 0x12, 100L + i % 1000);
      for (byte[] bytes : exchange.arrivals()) {
        FlowEvent flow = codec.decode(bytes).orElseThrow();
        arrivals.add(bytes);
        partitions.add(client % partitionCount);
        flowEnds.add(flow.getFlowEnd().toEpochMilli());
        classifier.classify(flow).ifPresent(c -> accumulate(expected, c));
      }
    }
    return new ScriptedTraffic(arrivals, partitions, flowEnds, expected, partitionCount);
  }

  private static void accumulate(Map<String, TrafficAccumulator> expected, ClassifiedFlow flow) {
    long start = flow.eventTimeMillis() - Math.floorMod(flow.eventTimeMillis(), 10_000L);
    String key = flow.edgeKey() + '@' + start + "/10000";
    expected.computeIfAbsent(key, k -> new TrafficAccumulator()).add(flow);
  }

  private static ScriptedFlows closingExchange(int partition, double second) {
    Endpoint from = ScriptedFlows.pod("closer-" + partition, "closer-" + partition, "Deployment", "node-a", List.of());
    Endpoint to = ScriptedFlows.pod("server-0-0", "server-0", "Deployment", "node-b", List.of("server-0"));
    return new ScriptedFlows().exchange(from, new byte[] {10, (byte) 244, 3, (byte) partition}, 50_000, to,
        new byte[] {10, (byte) 244, 2, 0}, 8080, second, 100, 1_000, 0x12, 0x12, 100L);
  }

  /** Waits until a completed checkpoint committed the job's input offsets up to {@code ends}. */
  static void awaitCommitted(KafkaTopics topics, String group, Map<TopicPartition, Long> ends) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (!topics.committedUpTo(group, ends)) {
      if (Instant.now().isAfter(deadline)) {
        fail("the job did not commit input offsets " + ends + " within 3 minutes");
      }
      pause();
    }
  }

  static void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
