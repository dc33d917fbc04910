package dev.flowtel.flink.traffic;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.traffic.TrafficAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Flink's view of {@link TrafficAccumulator}: all counting rules live in core. */
final class TrafficAggregate implements AggregateFunction<EdgeFlowBatch, TrafficAccumulator, TrafficAccumulator> {

  private static final long serialVersionUID = 1L;

  @Override
  public TrafficAccumulator createAccumulator() {
    return new TrafficAccumulator();
  }

  @Override
  public TrafficAccumulator add(EdgeFlowBatch batch, TrafficAccumulator accumulator) {
    for (ClassifiedFlow flow : batch.flows()) {
      accumulator.add(flow);
    }
    return accumulator;
  }

  @Override
  public TrafficAccumulator getResult(TrafficAccumulator accumulator) {
    return accumulator;
  }

  @Override
  public TrafficAccumulator merge(TrafficAccumulator a, TrafficAccumulator b) {
    a.merge(b);
    return a;
  }
}
