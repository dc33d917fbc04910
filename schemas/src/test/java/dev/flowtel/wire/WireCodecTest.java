package dev.flowtel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.schema.ClusterState;
import dev.flowtel.schema.FlowEvent;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.ServiceTraffic;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class WireCodecTest {

  private final WireCodec<FlowEvent> flows = WireCodec.of(RecordType.FLOW_EVENT);

  @Test
  void everyRecordTypeRoundTripsInSingleObjectEncoding() {
    assertRoundTrip(RecordType.FLOW_EVENT, SampleRecords.flow(40_001));
    assertRoundTrip(RecordType.CLUSTER_STATE, SampleRecords.namespace());
    assertRoundTrip(RecordType.CLUSTER_STATE, SampleRecords.networkPolicy());
    assertRoundTrip(RecordType.SERVICE_TRAFFIC, SampleRecords.serviceTraffic());
    assertRoundTrip(RecordType.POLICY_ANOMALY, SampleRecords.anomaly());
  }

  private static <T extends SpecificRecordBase> void assertRoundTrip(RecordType<T> type, T record) {
    WireCodec<T> codec = WireCodec.of(type);
    byte[] bytes = codec.encode(record);
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(WireCodec.readFingerprint(bytes, 2)).isEqualTo(SchemaCatalog.fingerprint(type.currentSchema()));
    DecodeResult<T> result = codec.decode(bytes);
    assertThat(result).isEqualTo(new DecodeResult.Decoded<>(record, SchemaCatalog.published().latest(type.name()).version()));
  }

  @Test
  void flowTimestampsKeepNanoseconds() {
    FlowEvent decoded = flows.decode(flows.encode(SampleRecords.flow(1))).orElseThrow();
    assertThat(decoded.getFlowStart()).isEqualTo(SampleRecords.T0);
    assertThat(decoded.getFlowStart().getNano() % 1000).isEqualTo(789);
  }

  @Test
  void garbageBytesAreNotSingleObject() {
    DecodeResult<FlowEvent> result = flows.decode("{\"json\":true}".getBytes());
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Failed.class, failed -> {
      assertThat(failed.cause()).isEqualTo(FailureCause.NOT_SINGLE_OBJECT);
      assertThat(failed.detail()).contains("expected Avro single-object marker C3 01, found 7B 22");
    });
  }

  @Test
  void emptyAndNullBytesAreEmpty() {
    assertThat(cause(flows.decode(new byte[0]))).isEqualTo(FailureCause.EMPTY);
    assertThat(cause(flows.decode(null))).isEqualTo(FailureCause.EMPTY);
  }

  @Test
  void aRecordCutShortIsTruncatedWhereverTheCutFalls() {
    byte[] full = flows.encode(SampleRecords.flow(40_001));
    for (int length = 1; length < full.length; length++) {
      DecodeResult<FlowEvent> result = flows.decode(Arrays.copyOf(full, length));
      assertThat(result).as("record cut to %d of %d bytes", length, full.length).isInstanceOf(DecodeResult.Failed.class);
      FailureCause cause = cause(result);
      if (length < WireCodec.HEADER_LENGTH) {
        assertThat(cause).isEqualTo(FailureCause.TRUNCATED);
      } else {
        // A cut inside a length-prefixed field can also leave a length that makes no sense.
        assertThat(cause).isIn(FailureCause.TRUNCATED, FailureCause.MALFORMED_BODY);
      }
    }
    assertThat(((DecodeResult.Failed<FlowEvent>) flows.decode(Arrays.copyOf(full, full.length - 1))).detail())
        .contains("FlowEvent body ends early");
  }

  @Test
  void anUnknownFingerprintIsNamed() {
    byte[] bytes = flows.encode(SampleRecords.flow(1));
    byte[] foreign = WireCodec.header(0x0123456789ABCDEFL);
    System.arraycopy(foreign, 0, bytes, 0, foreign.length);
    DecodeResult<FlowEvent> result = flows.decode(bytes);
    assertThat(result).isEqualTo(new DecodeResult.Failed<FlowEvent>(FailureCause.UNKNOWN_FINGERPRINT,
        "schema fingerprint 0123456789abcdef is not a published version of any Flowtel record (expected FlowEvent)"));
  }

  @Test
  void aRecordOfAnotherTypeIsTheWrongType() {
    byte[] traffic = WireCodec.of(RecordType.SERVICE_TRAFFIC).encode(SampleRecords.serviceTraffic());
    DecodeResult<FlowEvent> result = flows.decode(traffic);
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Failed.class, failed -> {
      assertThat(failed.cause()).isEqualTo(FailureCause.WRONG_RECORD_TYPE);
      assertThat(failed.detail()).isEqualTo("record is a ServiceTraffic v2, expected FlowEvent");
    });
  }

  @Test
  void bytesAfterTheBodyAreTrailing() {
    byte[] bytes = flows.encode(SampleRecords.flow(1));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
    assertThat(cause(flows.decode(longer))).isEqualTo(FailureCause.TRAILING_BYTES);
  }

  @Test
  void randomCorruptionNeverThrowsAndNeverPassesSilentlyAsTheOriginal() {
    Random random = new Random(20261126);
    byte[][] originals = {
        flows.encode(SampleRecords.flow(40_001)),
        WireCodec.of(RecordType.CLUSTER_STATE).encode(SampleRecords.networkPolicy()),
    };
    WireCodec<ClusterState> states = WireCodec.of(RecordType.CLUSTER_STATE);
    int failures = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] original = originals[i % 2];
      byte[] mutated = original.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        int at = WireCodec.HEADER_LENGTH + random.nextInt(mutated.length - WireCodec.HEADER_LENGTH);
        mutated[at] = (byte) random.nextInt(256);
      }
      DecodeResult<?> result = i % 2 == 0 ? flows.decode(mutated) : states.decode(mutated);
      if (result instanceof DecodeResult.Failed<?> failed) {
        failures++;
        assertThat(failed.cause()).isIn(FailureCause.TRUNCATED, FailureCause.MALFORMED_BODY, FailureCause.TRAILING_BYTES);
      }
    }
    // Most single-byte changes still decode (a different count, a different port); a good share must not.
    assertThat(failures).isBetween(1_000, 20_000);
  }

  @Test
  void aServiceTrafficAndAnAnomalyDecodeWithTheirOwnCodecsOnly() {
    byte[] anomaly = WireCodec.of(RecordType.POLICY_ANOMALY).encode(SampleRecords.anomaly());
    assertThat(WireCodec.of(RecordType.POLICY_ANOMALY).decode(anomaly).orElseThrow()).isInstanceOf(PolicyAnomaly.class);
    assertThat(cause(WireCodec.of(RecordType.SERVICE_TRAFFIC).decode(anomaly))).isEqualTo(FailureCause.WRONG_RECORD_TYPE);
    assertThat(WireCodec.of(RecordType.SERVICE_TRAFFIC).type().javaClass()).isEqualTo(ServiceTraffic.class);
  }

  private static FailureCause cause(DecodeResult<?> result) {
    return ((DecodeResult.Failed<?>) result).cause();
  }
}
