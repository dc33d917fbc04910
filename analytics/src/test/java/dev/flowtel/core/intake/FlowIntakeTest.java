package dev.flowtel.core.intake;

import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0;
import static dev.flowtel.core.edge.TestFlows.CHECKOUT_0_IP;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1;
import static dev.flowtel.core.edge.TestFlows.FRONTEND_1_IP;
import static dev.flowtel.core.edge.TestFlows.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.edge.FlowClassifier;
import dev.flowtel.core.intake.FlowIntake.MissingValue;
import dev.flowtel.core.intake.FlowIntake.Reading;
import dev.flowtel.schema.Direction;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.wire.FailureCause;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Given a request seen at the sender's veth (where it counts) and again at the receiver's (where it
 * does not), and bytes that are no flow, when the intake reads them, then the first is a counted
 * flow classified as the classifier does, the second a duplicate observation, and the bytes an
 * undecodable record with the codec's reason.
 */
class FlowIntakeTest {

  private final WireCodec<FlowEvent> codec = WireCodec.of(RecordType.FLOW_EVENT);
  private final FlowEvent atSender =
      flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-a", Direction.INGRESS, 1).build();
  private final FlowEvent atReceiver =
      flow(FRONTEND_1, FRONTEND_1_IP, 41000, CHECKOUT_0, CHECKOUT_0_IP, 8080, "node-b", Direction.EGRESS, 1).build();

  @Test
  void aCountedFlowCarriesTheWholeEventOnlyWhenWholeEventsAreRead() {
    FlowIntake whole = new FlowIntake(Reading.WHOLE_EVENTS, MissingValue.NO_VALUE);
    FlowIntake skimming = new FlowIntake(Reading.CLASSIFIED_ONLY, MissingValue.NO_VALUE);
    var expected = new FlowClassifier().classify(atSender).orElseThrow();

    assertThat(whole.read(codec.encode(atSender))).isEqualTo(new FlowIntakeResult.CountedFlow(expected, atSender));
    assertThat(skimming.read(codec.encode(atSender))).isEqualTo(new FlowIntakeResult.CountedFlow(expected, null));
  }

  @Test
  void anObservationThatAnotherPointCountsIsADuplicate() {
    FlowIntake intake = new FlowIntake(Reading.CLASSIFIED_ONLY, MissingValue.NO_VALUE);

    assertThat(intake.read(codec.encode(atReceiver))).isEqualTo(FlowIntakeResult.DuplicateObservation.INSTANCE);
    assertThat(intake.count(atReceiver)).isEqualTo(FlowIntakeResult.DuplicateObservation.INSTANCE);
  }

  @Test
  void bytesThatAreNoFlowAreUndecodableWithTheCodecsReason() {
    byte[] good = codec.encode(atSender);
    for (Reading reading : Reading.values()) {
      FlowIntake intake = new FlowIntake(reading, MissingValue.NO_VALUE);
      assertThat(intake.read(Arrays.copyOf(good, good.length - 3))).as("%s", reading)
          .isInstanceOfSatisfying(FlowIntakeResult.Undecodable.class,
              bad -> assertThat(bad.reason()).isEqualTo(FailureCause.TRUNCATED.reason()));
      assertThat(intake.read(Arrays.copyOf(good, good.length + 2))).as("%s", reading)
          .isInstanceOfSatisfying(FlowIntakeResult.Undecodable.class,
              bad -> assertThat(bad.reason()).isEqualTo(FailureCause.TRAILING_BYTES.reason()));
    }
  }

  @Test
  void aRecordWithoutAValueIsNamedAsEachEngineHasAlwaysNamedIt() {
    assertThat(new FlowIntake(Reading.WHOLE_EVENTS, MissingValue.NO_VALUE).read(null))
        .isEqualTo(new FlowIntakeResult.Undecodable("no-value", "flows record without a value"));
    assertThat(new FlowIntake(Reading.CLASSIFIED_ONLY, MissingValue.CODEC_EMPTY).read(null))
        .isEqualTo(new FlowIntakeResult.Undecodable(FailureCause.EMPTY.reason(), "no bytes"));
  }
}
