package dev.flowtel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MedianTest {

  @Test
  void theMiddleOfAnOddCountWhateverTheOrderAndTheMeanOfTheTwoMiddleOnesOfAnEvenCount() {
    assertThat(Median.of(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
    assertThat(Median.of(List.of(4.0, 1.0, 100.0, 2.0))).isEqualTo(3.0);
    assertThat(Median.of(List.of(7.0))).isEqualTo(7.0);
  }
}
