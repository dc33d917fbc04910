package dev.flowtel.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.policy.ClusterStateRecord;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  private final WireCodec<FlowEvent> flows = WireCodec.of(RecordType.FLOW_EVENT);
  private final WireCodec<ClusterState> states = WireCodec.of(RecordType.CLUSTER_STATE);

  @Test
  void sameSeedAndSettingsGiveTheSameBytes() throws Exception {
    SimulatorSettings settings = SimulatorScenarios.small();

    Digest first = digest(ClusterSimulator.of(settings));
    Digest second = digest(ClusterSimulator.of(settings));

    assertThat(first.flows).isGreaterThan(100_000);
    assertThat(second.flows).isEqualTo(first.flows);
    assertThat(second.sha256).isEqualTo(first.sha256);
  }

  @Test
  void oneSimulatorRunTwiceGivesTheSameBytes() throws Exception {
    ClusterSimulator simulator = ClusterSimulator.of(SimulatorScenarios.small());

    assertThat(digest(simulator).sha256).isEqualTo(digest(simulator).sha256);
  }

  @Test
  void anotherSeedGivesOtherBytes() throws Exception {
    Digest seed42 = digest(ClusterSimulator.of(SimulatorScenarios.small()));
    Digest seed43 = digest(ClusterSimulator.of(SimulatorScenarios.small().withSeed(43)));

    assertThat(seed43.sha256).isNotEqualTo(seed42.sha256);
  }

  private record Digest(long flows, String sha256) {}

  private Digest digest(ClusterSimulator simulator) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long[] count = {0};
    simulator.run(new SimulationSink() {
      @Override
      public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
        sha.update(flows.encode(flow));
        sha.update(edgeKey.getBytes(StandardCharsets.UTF_8));
        sha.update((label == null ? "-" : label.id()).getBytes(StandardCharsets.UTF_8));
        count[0]++;
      }

      @Override
      public void clusterState(ClusterStateRecord record) {
        sha.update(record.key().getBytes(StandardCharsets.UTF_8));
        if (record.value() != null) {
          sha.update(states.encode(record.value()));
        }
      }
    });
    return new Digest(count[0], HexFormat.of().formatHex(sha.digest()));
  }
}
