package dev.flowtel.simulator.flow;

/** Traffic added on top of the call graph (an anomaly episode), generated one export interval at a time. */
public interface IntervalTraffic {

  /** Adds this traffic's flows and connections starting in [{@code from}, {@code to}) nanoseconds of event time. */
  void generate(long from, long to, FlowWriter out);
}
