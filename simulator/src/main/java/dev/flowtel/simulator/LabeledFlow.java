package dev.flowtel.simulator;

import dev.flowtel.schema.FlowEvent;
import dev.flowtel.simulator.episode.GroundTruthLabel;

/** A flow with its Kafka key and, when an episode produced it, its ground-truth label (else null). */
public record LabeledFlow(FlowEvent flow, String edgeKey, GroundTruthLabel label) {

  public boolean clean() {
    return label == null;
  }
}
