package dev.flowtel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowtel.schema.AnomalyType;
import dev.flowtel.schema.Evidence;
import dev.flowtel.schema.PolicyAnomaly;
import dev.flowtel.schema.Severity;
import dev.flowtel.wire.AvroClassTrust;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Given anomalies as the detection job writes them, {@code anomalies tail} prints and filters them as asked. */
class AnomaliesCommandTest {

  static {
    AvroClassTrust.install();
  }

  private static PolicyAnomaly anomaly(AnomalyType type, Severity severity) {
    return PolicyAnomaly.newBuilder().setId(type + ":10.244.0.21>10.244.2.10@2025-01-06T01:03:00Z").setType(type)
        .setSeverity(severity).setFirstSeen(Instant.parse("2025-01-06T01:03:00Z"))
        .setLastSeen(Instant.parse("2025-01-06T01:03:59.500Z")).setEvidence(Evidence.newBuilder().build())
        .setSummary("port scan: catalog/recommendations-api (10.244.0.21) probed 1025 ports of 10.244.2.10 in one window, 100% failed")
        .setRevision(1).build();
  }

  @Test
  void oneLineSaysWhenWhatHowBadAndWhichAnomaly() {
    assertThat(AnomaliesCommand.line(anomaly(AnomalyType.PORT_SCAN, Severity.HIGH))).isEqualTo(
        "2025-01-06T01:03:59.500Z  HIGH     PORT_SCAN        r1   port scan: catalog/recommendations-api (10.244.0.21)"
            + " probed 1025 ports of 10.244.2.10 in one window, 100% failed  [PORT_SCAN:10.244.0.21>10.244.2.10@2025-01-06T01:03:00Z]");
  }

  @Test
  void typeAndSeverityFiltersCombine() {
    AnomaliesCommand.Filter scansFromMedium = new AnomaliesCommand.Filter(EnumSet.of(AnomalyType.PORT_SCAN, AnomalyType.IP_SWEEP),
        Severity.MEDIUM);
    assertThat(scansFromMedium.accepts(anomaly(AnomalyType.PORT_SCAN, Severity.HIGH))).isTrue();
    assertThat(scansFromMedium.accepts(anomaly(AnomalyType.PORT_SCAN, Severity.LOW))).isFalse();
    assertThat(scansFromMedium.accepts(anomaly(AnomalyType.NEW_EDGE, Severity.HIGH))).isFalse();
    assertThat(new AnomaliesCommand.Filter(Set.of(), null).accepts(anomaly(AnomalyType.NEW_EDGE, Severity.LOW))).isTrue();
  }

  @Test
  void sinceIsADurationAgoOrAnInstant() {
    Instant now = Instant.parse("2026-11-26T12:00:00Z");
    assertThat(AnomaliesCommand.parseSince("30m", now)).isEqualTo(Instant.parse("2026-11-26T11:30:00Z"));
    assertThat(AnomaliesCommand.parseSince("2026-11-26T10:00:00Z", now)).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThatThrownBy(() -> AnomaliesCommand.parseSince("yesterday", now))
        .hasMessage("--since 'yesterday' is neither a duration (30m, 2h) nor an instant (2025-01-06T10:00:00Z)");
  }
}
