package dev.flowtel.flink.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.LabeledFlow;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.wire.FailureCause;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Given simulated flows of every kind (episodes included), when the job's decoder reads them
 * (skimming what classification does not need), then each becomes exactly the classified flow
 * that full decoding gives, and bytes it cannot read still become the codec's dead letters.
 */
class FlowRecordDecoderTest {

  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  private final FlowClassifier classifier = new FlowClassifier();
  private final FlowRecordDecoder decoder = new FlowRecordDecoder();

  @Test
  void skimmedFlowsClassifyExactlyAsFullyDecodedOnes() {
    SimulatorSettings settings = SimulatorSettings.defaults().withSeed(7).withDuration(Duration.ofMinutes(3))
        .withEpisodesPerType(1);
    Iterator<LabeledFlow> flows = ClusterSimulator.of(settings).flows();
    int counted = 0;
    int duplicates = 0;
    for (int i = 0; i < 50_000 && flows.hasNext(); i++) {
      FlowEvent flow = flows.next().flow();
      byte[] bytes = codec.encode(flow);
      Optional<ClassifiedFlow> expected = classifier.classify(flow);
      Optional<SourceRecord> decoded = decoder.decode(null, bytes, "flows", 0, i);
      assertThat(decoded.map(SourceRecord::flow)).as("flow %d: %s", i, flow).isEqualTo(expected);
      if (expected.isPresent()) {
        counted++;
      } else {
        duplicates++;
      }
    }
    assertThat(counted).as("counted observations").isGreaterThan(10_000);
    assertThat(duplicates).as("duplicate observations").isGreaterThan(10_000);
  }

  @Test
  void bytesTheSkimmerCannotReadBecomeTheCodecsDeadLetters() {
    byte[] good = codec.encode(ClusterSimulator.of(SimulatorSettings.defaults().withSeed(7)).flows().next().flow());
    SourceRecord truncated = decoder.decode(null, Arrays.copyOf(good, good.length - 3), "flows", 1, 42).orElseThrow();
    assertThat(truncated.deadLetter().reason()).isEqualTo(FailureCause.TRUNCATED.reason());
    assertThat(truncated.deadLetter().sourceOffset()).isEqualTo(42);
    SourceRecord trailing = decoder.decode(null, Arrays.copyOf(good, good.length + 2), "flows", 1, 43).orElseThrow();
    assertThat(trailing.deadLetter().reason()).isEqualTo(FailureCause.TRAILING_BYTES.reason());
  }
}
