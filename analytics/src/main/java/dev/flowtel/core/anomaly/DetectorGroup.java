package dev.flowtel.core.anomaly;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.Serializable;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Runs the detectors of one grouping for one key over the engine's per-key state, the same way in
 * every engine: each accepted flow goes to each detector that accepts it, event time reaching the
 * earliest deadline runs every detector's {@link Detector#onWatermark} and drops emptied state. The
 * engine keeps the states ({@link States}) and one timer per key at {@link #nextDeadline}.
 */
public final class DetectorGroup {

  /** The engine's state of one key: one slot per detector, null when empty. */
  public interface States {
    Serializable get(int detector);

    void put(int detector, Serializable state);

    void clear(int detector);
  }

  private final List<Detector<?>> detectors;

  public DetectorGroup(List<Detector<?>> detectors) {
    this.detectors = List.copyOf(detectors);
  }

  public List<Detector<?>> detectors() {
    return detectors;
  }

  /** Whether any detector needs this flow; engines filter before partitioning. */
  public boolean accepts(ObservedFlow flow) {
    for (Detector<?> d : detectors) {
      if (d.accepts(flow)) {
        return true;
      }
    }
    return false;
  }

  /** Hands the flow to each detector accepting it; true when some state changed (the deadline may have). */
  public boolean onFlow(States states, ObservedFlow flow, PolicyJudgement judgement, long learningUntil,
      Consumer<PolicyAnomaly> out) {
    boolean touched = false;
    for (int i = 0; i < detectors.size(); i++) {
      Detector<Serializable> d = detector(i);
      if (!d.accepts(flow)) {
        continue;
      }
      Serializable state = states.get(i);
      if (state == null) {
        state = d.newState();
      }
      d.onFlow(state, flow, judgement, learningUntil, out);
      states.put(i, state);
      touched = true;
    }
    return touched;
  }

  /** Event time reached {@code watermark}: closes windows, emits what is due, drops emptied state. */
  public void onWatermark(States states, long watermark, Consumer<PolicyAnomaly> out) {
    for (int i = 0; i < detectors.size(); i++) {
      Detector<Serializable> d = detector(i);
      Serializable state = states.get(i);
      if (state == null) {
        continue;
      }
      d.onWatermark(state, watermark, out);
      if (d.isEmpty(state)) {
        states.clear(i);
      } else {
        states.put(i, state);
      }
    }
  }

  /** The earliest event time any detector of this key has work at, or Long.MAX_VALUE. */
  public long nextDeadline(States states) {
    long next = Long.MAX_VALUE;
    for (int i = 0; i < detectors.size(); i++) {
      Serializable state = states.get(i);
      if (state != null) {
        next = Math.min(next, detector(i).nextDeadline(state));
      }
    }
    return next;
  }

  /**
   * Where the key's one timer goes after its state changed: an earlier registered deadline is kept
   * (it fires, finds nothing due yet and reschedules), a later one moves to {@link #nextDeadline}.
   *
   * @param registered the deadline the timer is set for, Long.MAX_VALUE when none is
   * @return the deadline to move the timer to, or empty to leave it as it is
   */
  public OptionalLong timerMove(States states, long registered) {
    long next = nextDeadline(states);
    return next == Long.MAX_VALUE || registered <= next ? OptionalLong.empty() : OptionalLong.of(next);
  }

  @SuppressWarnings("unchecked")
  private Detector<Serializable> detector(int i) {
    return (Detector<Serializable>) detectors.get(i);
  }
}
