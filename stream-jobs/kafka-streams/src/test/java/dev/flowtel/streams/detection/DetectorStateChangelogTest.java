package dev.flowtel.streams.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowtel.core.anomaly.DetectionConfig;
import dev.flowtel.core.anomaly.DetectorGroup;
import dev.flowtel.core.anomaly.Detectors;
import dev.flowtel.core.anomaly.Grouping;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.wire.DecodeResult;
import dev.flowtel.wire.RecordType;
import dev.flowtel.wire.WireCodec;
import dev.flowtel.wire.AvroClassTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Kafka Streams app upgraded in place restores its detector store from the changelog the jar before
 * it wrote: given the value commit e85fdfc stored for a scanning client (see the fixture's README),
 * when today's code reads it and event time moves on, then the detectors emit exactly what that jar did.
 */
class DetectorStateChangelogTest {

  static {
    AvroClassTrust.install();
  }

  private static final long T0 = Instant.parse("2025-01-06T01:00:00Z").toEpochMilli();

  @Test
  void aChangelogWrittenBeforeTheDetectorsMovedPackageRestoresAndCarriesOn() throws Exception {
    List<String> lines = fixture("/changelog/e85fdfc/client-address-detectors.txt");
    byte[] value = Base64.getDecoder().decode(field(lines, "state").get(0));
    List<PolicyAnomaly> expected = field(lines, "after").stream().map(DetectorStateChangelogTest::anomaly).toList();

    KeyStateBytes.Stored stored = KeyStateBytes.read(value);
    DetectorGroup group = new DetectorGroup(Detectors.of(Grouping.CLIENT_ADDRESS, DetectionConfig.defaults()));
    Serializable[] slots = stored.slots();
    List<PolicyAnomaly> emitted = new ArrayList<>();
    group.onWatermark(new DetectorGroup.States() {
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
    }, T0 + 3_600_000, emitted::add);

    assertThat(stored.registered()).isEqualTo(T0 + 119_999);
    assertThat(expected).extracting(PolicyAnomaly::getId, PolicyAnomaly::getRevision).containsExactly(
        org.assertj.core.groups.Tuple.tuple("PORT_SCAN:10.244.0.21>10.244.2.10@2025-01-06T01:00:00.500Z", 1),
        org.assertj.core.groups.Tuple.tuple("IP_SWEEP:10.244.0.21>*:80/6@2025-01-06T01:01:00.600Z", 0));
    assertThat(emitted).isEqualTo(expected);
  }

  @Test
  void whatIsWrittenTodayReadsBackTheSame() throws Exception {
    Serializable[] slots = KeyStateBytes.read(Base64.getDecoder().decode(
        field(fixture("/changelog/e85fdfc/client-address-detectors.txt"), "state").get(0))).slots();
    byte[] today = KeyStateBytes.write(42L, slots);
    KeyStateBytes.Stored again = KeyStateBytes.read(today);
    assertThat(again.registered()).isEqualTo(42L);
    assertThat(KeyStateBytes.write(again.registered(), again.slots())).isEqualTo(today);
  }

  private static List<String> fixture(String resource) throws IOException {
    try (InputStream in = DetectorStateChangelogTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static List<String> field(List<String> lines, String name) {
    return lines.stream().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1)).toList();
  }

  /** An anomaly as the jar before wrote it (PolicyAnomaly v1 then), read as the app reads older versions. */
  private static PolicyAnomaly anomaly(String base64) {
    DecodeResult<PolicyAnomaly> result = WireCodec.of(RecordType.POLICY_ANOMALY).decode(Base64.getDecoder().decode(base64));
    if (result instanceof DecodeResult.Decoded<PolicyAnomaly> decoded) {
      return decoded.record();
    }
    throw new IllegalStateException("fixture anomaly does not decode: " + result);
  }
}
