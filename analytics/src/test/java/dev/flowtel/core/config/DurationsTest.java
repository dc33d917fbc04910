package dev.flowtel.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsTest {

  @Test
  void readsTheFormsEveryProgramDocuments() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse(" 10s ")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1H")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("0")).isZero();
    assertThat(Durations.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aNumberWithoutUnitIsRefusedRatherThanGuessed() {
    assertThatThrownBy(() -> Durations.parse("5")).hasMessage("'5' needs a unit: ms, s, m, h or d (e.g. 5s)");
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("'soon' is not a duration");
  }

  @Test
  void theOptionConverterReportsThroughPicocli() {
    assertThatThrownBy(() -> new DurationOption().convert("5"))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("needs a unit");
  }

  @Test
  void formatWritesWhatParseReads() {
    for (Duration d : new Duration[] {Duration.ofMillis(250), Duration.ofSeconds(90), Duration.ofMinutes(5), Duration.ofHours(2), Duration.ZERO}) {
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
  }
}
