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
 * The input of the exactly-once ITs and what conservation means for it: 6,000 exchanges (24,000
 * observations: each direction seen at both ends) on 40 service edges over two minutes, in
 * event-time order per partition, and the 10 s windows they sum to. A job conserves it when a
 * read_committed consumer sees every window once, with the input's sums, and so the input's bytes
 * and packets.
 */
record TrafficInput(List<byte[]> arrivals, List<Integer> partitions, List<Long> flowEnds,
    Map<String, TrafficAccumulator> expected, int partitionCount) {

  static final long WINDOW_MILLIS = 10_000;
  /** Every wait here ends when its state is reached; this only bounds a broken run. */
  private static final Duration SAFETY_NET = Duration.ofMinutes(5);
  /** When the closing flows end: far after the input, so they move every partition's watermark past every input window. */
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

  /** Whether {@code written} holds every window of the input (once or more). */
  boolean hasEveryWindow(List<ServiceTraffic> written) {
    return byWindow(written).keySet().containsAll(expected.keySet());
  }

  /**
   * Every window of the input in {@code written} once, with exactly its flows' sums, and nothing
   * else: so bytes and packets out equal those in.
   */
  void assertConserved(List<ServiceTraffic> written) {
    Map<String, List<ServiceTraffic>> byWindow = byWindow(written);
    assertThat(byWindow.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    long outputBytes = 0;
    long outputPackets = 0;
    for (Map.Entry<String, List<ServiceTraffic>> window : byWindow.entrySet()) {
      assertThat(window.getValue()).as("records of %s", window.getKey()).hasSize(1);
      ServiceTraffic actual = window.getValue().get(0);
      long start = actual.getWindowStart().toEpochMilli();
      assertThat(actual).as(window.getKey())
          .isEqualTo(expected.get(window.getKey()).toServiceTraffic(start, start + WINDOW_MILLIS, 0));
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

  private static Map<String, List<ServiceTraffic>> byWindow(List<ServiceTraffic> written) {
    Map<String, List<ServiceTraffic>> byWindow = new TreeMap<>();
    for (ServiceTraffic t : written) {
      byWindow.computeIfAbsent(ServiceTrafficRecordSerializer.key(t), k -> new ArrayList<>()).add(t);
    }
    return byWindow;
  }

  /** One exchange per partition at {@link #CLOSING}, partition by partition ({@link #closingPerPartition} records each). */
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

  /** The offsets of each partition after the whole input and the closing flows. */
  Map<TopicPartition, Long> endsWithClosing(String topic) {
    Map<TopicPartition, Long> ends = ends(topic, size());
    ends.replaceAll((tp, offset) -> offset + closingPerPartition());
    return ends;
  }

  private static ScriptedFlows closingExchange(int partition, double second) {
    Endpoint from = ScriptedFlows.pod("closer-" + partition, "closer-" + partition, "Deployment", "node-a", List.of());
    Endpoint to = ScriptedFlows.pod("server-0-0", "server-0", "Deployment", "node-b", List.of("server-0"));
    return new ScriptedFlows().exchange(from, new byte[] {10, (byte) 244, 3, (byte) partition}, 50_000, to,
        new byte[] {10, (byte) 244, 2, 0}, 8080, second, 100, 1_000, 0x12, 0x12, 100L);
  }

  /** Waits until a completed checkpoint committed the job's input offsets up to {@code ends}. */
  static void awaitCommitted(KafkaTopics topics, String group, Map<TopicPartition, Long> ends) {
    Instant deadline = Instant.now().plus(SAFETY_NET);
    while (!topics.committedUpTo(group, ends)) {
      if (Instant.now().isAfter(deadline)) {
        fail("the job did not commit input offsets " + ends + " within " + SAFETY_NET.toMinutes() + " minutes");
      }
      pause();
    }
  }

  /**
   * Every window of the input, read with read_committed, once, with the input's sums. The window
   * results of the checkpoint that committed the last input offsets may commit a moment after
   * those offsets, so this reads until every expected window is there (the deadline is a safety net).
   * The closing flows' own windows are left out.
   */
  void awaitConserved(Supplier<List<ServiceTraffic>> committed) {
    Instant deadline = Instant.now().plus(SAFETY_NET);
    List<ServiceTraffic> written;
    do {
      written = committed.get().stream().filter(t -> t.getWindowStart().toEpochMilli() < CLOSING - 60_000).toList();
      if (hasEveryWindow(written)) {
        break;
      }
      pause();
    } while (Instant.now().isBefore(deadline));
    assertConserved(written);
  }

  static void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The input of 6,000 exchanges. */
  static TrafficInput generate(int partitionCount) {
    return generate(partitionCount, 6_000);
  }

  /** The input, client {@code c}'s flows on partition {@code c % partitionCount}. */
  static TrafficInput generate(int partitionCount, int exchanges) {
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
    return new TrafficInput(arrivals, partitions, flowEnds, expected, partitionCount);
  }

  private static void accumulate(Map<String, TrafficAccumulator> expected, ClassifiedFlow flow) {
    long start = flow.eventTimeMillis() - Math.floorMod(flow.eventTimeMillis(), WINDOW_MILLIS);
    String key = flow.edgeKey() + '@' + start + "/" + WINDOW_MILLIS;
    expected.computeIfAbsent(key, k -> new TrafficAccumulator()).add(flow);
  }
}
