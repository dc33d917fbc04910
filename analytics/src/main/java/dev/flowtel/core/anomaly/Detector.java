package dev.flowtel.core.anomaly;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * One anomaly detector: every detector has this shape, so an engine runs any of them the same way.
 * The engine partitions flows by {@link #grouping()}, keeps one state {@code S} per key (plain
 * serializable Java), calls {@link #onFlow} for each accepted flow in arrival order and
 * {@link #onWatermark} when event time passes the time the detector last asked for.
 *
 * @param <S> the per-key state
 */
public interface Detector<S extends Serializable> extends Serializable {

  AnomalyType type();

  Grouping grouping();

  /** Whether the detector needs this flow at all; engines filter before partitioning. */
  boolean accepts(ObservedFlow flow);

  S newState();

  /**
   * Handles one flow of this key.
   *
   * @param judgement what the policies in force say of the flow ({@link PolicyJudgement#UNKNOWN} outside EDGE grouping)
   * @param learningUntilMillis event time until which the job is learning what is normal
   */
  void onFlow(S state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis, Consumer<PolicyAnomaly> out);

  /** Event time reached {@code watermark}: closes windows and forgets what has expired. */
  void onWatermark(S state, long watermark, Consumer<PolicyAnomaly> out);

  /** The event time at which {@link #onWatermark} has work to do next, or Long.MAX_VALUE. */
  long nextDeadline(S state);

  /** True when the state holds nothing worth keeping and the engine may drop it. */
  boolean isEmpty(S state);
}
