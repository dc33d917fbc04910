package dev.flowtel.bench.e2e;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The flows both paths read: the simulator's cluster over {@code span} of event time ending at the
 * last whole minute before the load, written once to one topic. Event time spread over the span
 * (with no daily swing) is what makes "the last 15 minutes" and "the last 24 hours" different
 * questions over the same flows.
 */
record FlowInput(long flows, int flowKeys, int services, Instant end, double seconds) {

  /** What to simulate: {@code flows} flows over {@code span} of a cluster with {@code namespaces} application namespaces. */
  record Shape(long flows, Duration span, int namespaces, int podsPerWorkload, int nodes, long seed) {

    double flowsPerSecond() {
      return (double) flows / span.toSeconds();
    }
  }

  static FlowInput load(Shape shape, String bootstrap, String topic) {
    Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    SimulatorSettings settings = SimulatorSettings.defaults().withSeed(shape.seed()).withNamespaces(shape.namespaces())
        .withPodsPerWorkload(shape.podsPerWorkload()).withNodes(shape.nodes()).withFlowsPerSecond(shape.flowsPerSecond())
        .withDailyAmplitude(0).withDuration(shape.span()).withStart(end.minus(shape.span())).withEpisodesPerType(0);
    ClusterSimulator simulator = ClusterSimulator.of(settings);
    WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
    Set<String> flowKeys = new HashSet<>();
    long begin = System.nanoTime();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all",
        "linger.ms", 20, "batch.size", 512 * 1024, "compression.type", "zstd", "buffer.memory", 256L * 1024 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      long sent = simulator.run(shape.flows(), new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          flowKeys.add(edgeKey);
          producer.send(new ProducerRecord<>(topic, edgeKey.getBytes(StandardCharsets.UTF_8), codec.encode(flow)));
        }
      });
      producer.flush();
      return new FlowInput(sent, flowKeys.size(), simulator.cluster().services().size(), end, (System.nanoTime() - begin) / 1e9);
    }
  }
}
