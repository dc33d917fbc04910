package dev.flowtel.bench.input;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A benchmark's input, written once: a simulator's flows in the wire encoding, keyed by the
 * simulator's flow key, into one topic as fast as the broker takes them.
 *
 * @param flows       flows written
 * @param flowKeys    distinct flow keys among them (counted up to a million)
 * @param flowsPerKey flows of each of those keys, for the input's key skew
 * @param pods     pods of the simulated cluster
 * @param services Services of the simulated cluster
 * @param seconds  how long generating and writing took
 */
public record TopicLoad(long flows, int flowKeys, Map<String, long[]> flowsPerKey, int pods, int services, double seconds) {

  public static TopicLoad write(ClusterSimulator simulator, long maxFlows, String bootstrap, String topic) {
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    Map<String, long[]> flowsPerKey = new HashMap<>();
    long begin = System.nanoTime();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all",
        "linger.ms", 20, "batch.size", 512 * 1024, "compression.type", "lz4", "buffer.memory", 256L * 1024 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      long sent = simulator.run(maxFlows, new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          long[] count = flowsPerKey.get(edgeKey);
          if (count != null) {
            count[0]++;
          } else if (flowsPerKey.size() < 1_000_000) {
            flowsPerKey.put(edgeKey, new long[] {1});
          }
          producer.send(new ProducerRecord<>(topic, edgeKey.getBytes(StandardCharsets.UTF_8), codec.encode(flow)));
        }
      });
      producer.flush();
      double seconds = (System.nanoTime() - begin) / 1e9;
      int pods = simulator.cluster().workloads().stream().mapToInt(w -> simulator.cluster().pods(w).size()).sum();
      return new TopicLoad(sent, flowsPerKey.size(), flowsPerKey, pods, simulator.cluster().services().size(), seconds);
    }
  }
}
