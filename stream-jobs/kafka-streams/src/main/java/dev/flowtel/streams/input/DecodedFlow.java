package dev.flowtel.streams.input;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.schema.FlowEvent;

/**
 * A counted flow (duplicate observations are gone): the decoded event, its classification for
 * aggregation, what the detectors see of it (built once, on first use), and the original bytes for
 * a dead letter or a repartition.
 */
public final class DecodedFlow implements Routed {

  private final FlowEvent event;
  private final ClassifiedFlow flow;
  private final byte[] original;
  private ObservedFlow observed;

  public DecodedFlow(FlowEvent event, ClassifiedFlow flow, byte[] original) {
    this.event = event;
    this.flow = flow;
    this.original = original;
  }

  /** The decoded flow; null when the app runs without detection (flows are then only skimmed). */
  public FlowEvent event() {
    return event;
  }

  public ClassifiedFlow flow() {
    return flow;
  }

  public byte[] original() {
    return original;
  }

  public ObservedFlow observed() {
    if (observed == null) {
      observed = ObservedFlow.of(event, flow);
    }
    return observed;
  }
}
