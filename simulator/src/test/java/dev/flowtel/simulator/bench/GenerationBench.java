package dev.flowtel.simulator.bench;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.flow.SimulationSink;
import dev.flowtel.simulator.settings.SimulatorSettings;
import dev.flowtel.simulator.episode.GroundTruthLabel;
import java.time.Duration;

/**
 * How many FlowEvents a second one core generates, before encoding. Not a test: run it by hand
 * (see simulator/README.md). Argument: flows per round (default 20,000,000); three rounds, the
 * first one warms the JIT.
 */
public final class GenerationBench {

  public static void main(String[] args) {
    long flows = args.length > 0 ? Long.parseLong(args[0]) : 20_000_000L;
    SimulatorSettings settings = SimulatorSettings.defaults().withFlowsPerSecond(200_000)
        .withDuration(Duration.ofHours(6));
    ClusterSimulator simulator = ClusterSimulator.of(settings);
    for (int round = 1; round <= 3; round++) {
      long[] checksum = {0};
      long begin = System.nanoTime();
      long delivered = simulator.run(flows, new SimulationSink() {
        @Override
        public void flow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {
          checksum[0] += flow.getBytes();
        }
      });
      double seconds = (System.nanoTime() - begin) / 1e9;
      System.out.printf("round %d: %,d flows in %.2f s = %,.0f flows/s (checksum %d)%n", round, delivered, seconds,
          delivered / seconds, checksum[0]);
    }
  }
}
