package dev.flowtel.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.flow.ObservedFlow;
import dev.flowtel.core.judgement.PolicyJudgement;
import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.PolicyAnomaly;
import java.io.Serializable;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Given a key's detectors and the deadline its one timer is registered for, when their state
 * changes, then the timer moves only to an earlier deadline: a registered earlier one fires, finds
 * nothing due and reschedules, so no deadline is ever missed and a busy key does not churn timers.
 */
class DetectorGroupTimerTest {

  /** A detector whose state is its next deadline. */
  private record DeadlineDetector() implements Detector<DeadlineDetector.Due> {
    static final class Due implements Serializable {
      long at;

      Due(long at) {
        this.at = at;
      }
    }

    @Override
    public AnomalyType type() {
      return AnomalyType.PORT_SCAN;
    }

    @Override
    public Grouping grouping() {
      return Grouping.CLIENT_ADDRESS;
    }

    @Override
    public boolean accepts(ObservedFlow flow) {
      return true;
    }

    @Override
    public Due newState() {
      return new Due(Long.MAX_VALUE);
    }

    @Override
    public void onFlow(Due state, ObservedFlow flow, PolicyJudgement judgement, long learningUntilMillis,
        Consumer<PolicyAnomaly> out) {}

    @Override
    public void onWatermark(Due state, long watermark, Consumer<PolicyAnomaly> out) {}

    @Override
    public long nextDeadline(Due state) {
      return state.at;
    }

    @Override
    public boolean isEmpty(Due state) {
      return state.at == Long.MAX_VALUE;
    }
  }

  private static final class Slots implements DetectorGroup.States {
    final Serializable[] slots = new Serializable[2];

    @Override
    public Serializable get(int detector) {
      return slots[detector];
    }

    @Override
    public void put(int detector, Serializable state) {
      slots[detector] = state;
    }

    @Override
    public void clear(int detector) {
      slots[detector] = null;
    }
  }

  private final DetectorGroup group = new DetectorGroup(List.of(new DeadlineDetector(), new DeadlineDetector()));

  @Test
  void theTimerMovesToTheEarliestDeadlineOfAnyDetectorWhenThatIsEarlier() {
    Slots states = new Slots();
    states.put(0, new DeadlineDetector.Due(5_000));
    states.put(1, new DeadlineDetector.Due(3_000));

    assertThat(group.timerMove(states, Long.MAX_VALUE)).isEqualTo(OptionalLong.of(3_000));
    assertThat(group.timerMove(states, 4_000)).isEqualTo(OptionalLong.of(3_000));
  }

  @Test
  void anEarlierOrEqualRegisteredDeadlineStays() {
    Slots states = new Slots();
    states.put(0, new DeadlineDetector.Due(5_000));

    assertThat(group.timerMove(states, 5_000)).isEmpty();
    assertThat(group.timerMove(states, 1_000)).isEmpty();
  }

  @Test
  void withNothingDueNoTimerIsSetOrMoved() {
    Slots states = new Slots();
    assertThat(group.timerMove(states, Long.MAX_VALUE)).isEmpty();
    states.put(1, new DeadlineDetector.Due(Long.MAX_VALUE));
    assertThat(group.timerMove(states, 7_000)).isEmpty();
  }
}
