package dev.flowtel.simulator.source;

import dev.flowtel.core.source.FlowSource;
import dev.flowtel.core.source.SyntheticSettings;
import dev.flowtel.core.source.SyntheticSourceFactory;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.settings.SimulatorSettings;

/**
 * The simulator behind {@code --source synthetic}, registered for {@link java.util.ServiceLoader}
 * in {@code META-INF/services}: the default simulated cluster with the given seed, paced at the
 * given rate in wall-clock time and in event time.
 */
public final class SimulatedSources implements SyntheticSourceFactory {

  @Override
  public FlowSource open(SyntheticSettings settings) {
    SimulatorSettings simulation = SimulatorSettings.defaults().withSeed(settings.seed())
        .withFlowsPerSecond(settings.flowsPerSecond()).withPacedFlowsPerSecond(settings.flowsPerSecond())
        .withDuration(settings.duration()).withStart(settings.start());
    ClusterSimulator simulator = ClusterSimulator.of(simulation);
    return settings.maxFlows() > 0 ? SyntheticFlowSource.of(simulator, settings.maxFlows()) : SyntheticFlowSource.of(simulator);
  }
}
