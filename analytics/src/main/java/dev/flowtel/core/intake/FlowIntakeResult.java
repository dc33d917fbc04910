package dev.flowtel.core.intake;

import dev.flowtel.core.edge.ClassifiedFlow;
import dev.flowtel.schema.FlowEvent;
import java.util.Objects;

/** What one flows-topic record is after {@link FlowIntake}: a counted flow, a duplicate observation, or unusable bytes. */
public sealed interface FlowIntakeResult {

  /**
   * A flow that counts, classified into its service edge; {@code event} is the decoded FlowEvent
   * when the intake reads whole events, null when it only skims.
   */
  record CountedFlow(ClassifiedFlow flow, FlowEvent event) implements FlowIntakeResult {
    public CountedFlow {
      Objects.requireNonNull(flow, "flow");
    }
  }

  /** An observation of a flow that another observation point counts (see {@code ObservationPoint}). */
  enum DuplicateObservation implements FlowIntakeResult {
    INSTANCE
  }

  /** Bytes that are not a flow: the dead letter's reason (e.g. {@code truncated}) and what was wrong. */
  record Undecodable(String reason, String detail) implements FlowIntakeResult {
    public Undecodable {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
