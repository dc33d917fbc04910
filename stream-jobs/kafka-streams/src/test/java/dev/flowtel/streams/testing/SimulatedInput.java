package dev.flowtel.streams.testing;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.SimulationSink;
import dev.flowtel.simulator.SimulatorSettings;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.streams.Driver;
import dev.flowtel.testing.InputProducer;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A simulation's records as the app's ITs write them to the real broker (flows keyed by edge, on
 * partition 0) and feed them to the TopologyTestDriver for the results the app must reach.
 */
public final class SimulatedInput {

  private static final WireCodec<FlowEvent> FLOW_CODEC = WireCodec.of(RecordType.FLOW_EVENT);
  private static final WireCodec<ClusterState> STATE_CODEC = WireCodec.of(RecordType.CLUSTER_STATE);

  /** Key and value of each flow record, in the order sent. */
  public final List<byte[][]> flows = new ArrayList<>();
  public final List<ClusterStateRecord> state = new ArrayList<>();

  private SimulatedInput() {}

  public static SimulatedInput of(SimulatorSettings settings) {
    SimulatedInput input = new SimulatedInput();
    ClusterSimulator.of(settings).run(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        input.flows.add(new byte[][] {edgeKey.getBytes(StandardCharsets.UTF_8), FLOW_CODEC.encode(flow)});
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        input.state.add(record);
      }
    });
    return input;
  }

  /** The app's final results for this input, from the TopologyTestDriver with the same detection options. */
  public Expected expected(String... options) throws Exception {
    try (Driver driver = new Driver(options)) {
      state.forEach(r -> driver.clusterState(r.key().getBytes(StandardCharsets.UTF_8), encodedState(r), r.at()));
      flows.forEach(f -> driver.flow(f[0], f[1]));
      driver.finish();
      return new Expected(driver.traffic(), driver.anomalies());
    }
  }

  public record Expected(List<ServiceTraffic> traffic, List<PolicyAnomaly> anomalies) {}

  public void produceState(String bootstrap, String topic) {
    try (var producer = InputProducer.create(bootstrap)) {
      for (ClusterStateRecord r : state) {
        producer.send(new ProducerRecord<>(topic, 0, r.at().toEpochMilli(), r.key().getBytes(StandardCharsets.UTF_8), encodedState(r)));
      }
    }
  }

  /** Flows {@code from} (inclusive) to {@code to} (exclusive). */
  public void produceFlows(String bootstrap, String topic, int from, int to) {
    try (var producer = InputProducer.create(bootstrap)) {
      for (byte[][] f : flows.subList(from, to)) {
        producer.send(new ProducerRecord<>(topic, 0, f[0], f[1]));
      }
    }
  }

  /** read_committed, until at least {@code expected} records came and two seconds passed quietly, or the timeout. */
  public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, int expected, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
        "group.id", "it-reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long lastNew = System.nanoTime();
      while (System.nanoTime() < deadline && (records.size() < expected || System.nanoTime() - lastNew < 2_000_000_000L)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records.add(r);
          lastNew = System.nanoTime();
        }
      }
    }
    return records;
  }

  private static byte[] encodedState(ClusterStateRecord r) {
    return r.value() == null ? null : STATE_CODEC.encode(r.value());
  }
}
