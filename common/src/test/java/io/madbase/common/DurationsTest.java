package io.madbase.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void everyUnitParsesAndFormatsBackToItsShortestSpelling() {
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse(" 2s ")).contains(Duration.ofSeconds(2));
    assertThat(Durations.parse("90m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("1h")).contains(Duration.ofHours(1));
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void textThatIsNoDurationIsNone() {
    assertThat(Durations.parse("2")).isEmpty();
    assertThat(Durations.parse("2 weeks")).isEmpty();
    assertThat(Durations.parse("-1s")).isEmpty();
    assertThat(Durations.parse("1234567890s")).as("more than nine digits").isEmpty();
  }
}
