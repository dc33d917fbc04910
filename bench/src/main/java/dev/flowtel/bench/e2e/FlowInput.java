package dev.flowtel.bench.e2e;

import dev.flowtel.bench.input.TopicLoad;
import dev.flowtel.simulator.ClusterSimulator;
import dev.flowtel.simulator.settings.SimulatorSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The flows both paths read: the simulator's cluster over {@code span} of event time ending at the
 * last whole minute before the load ({@code end}), written once to one topic. Event time spread
 * over the span (with no daily swing) is what makes "the last 15 minutes" and "the last 24 hours"
 * different questions over the same flows.
 */
record FlowInput(TopicLoad load, Instant end) {

  /** What to simulate: {@code flows} flows over {@code span} of a cluster with {@code namespaces} application namespaces. */
  record Shape(long flows, Duration span, int namespaces, int podsPerWorkload, int nodes, long seed) {

    double flowsPerSecond() {
      return (double) flows / span.toSeconds();
    }
  }

  long flows() {
    return load.flows();
  }

  static FlowInput load(Shape shape, String bootstrap, String topic) {
    Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    SimulatorSettings settings = SimulatorSettings.defaults().withSeed(shape.seed()).withNamespaces(shape.namespaces())
        .withPodsPerWorkload(shape.podsPerWorkload()).withNodes(shape.nodes()).withFlowsPerSecond(shape.flowsPerSecond())
        .withDailyAmplitude(0).withDuration(shape.span()).withStart(end.minus(shape.span())).withEpisodesPerType(0);
    return new FlowInput(TopicLoad.write(ClusterSimulator.of(settings), shape.flows(), bootstrap, topic), end);
  }
}
