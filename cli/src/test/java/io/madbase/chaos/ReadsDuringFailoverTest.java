package io.madbase.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadsDuringFailoverTest {
  /** A second {@code at} s after the fault with its reads: offered, ok, p99. */
  static RunResult.LoadSecond second(double at, long offered, long ok, double p99) {
    return new RunResult.LoadSecond(at, ok, ok, 0, p99, p99, offered, ok, p99);
  }

  static final List<RunResult.LoadSecond> RUN =
      List.of(
          second(-2.3, 450, 450, 8), // before the fault: not judged
          second(-1.3, 450, 450, 9), // ends before the fault: not judged
          second(-0.3, 450, 450, 10), // holds the fault
          second(0.7, 450, 440, 120),
          second(1.7, 450, 300, 900), // the stall
          second(2.7, 450, 450, 30),
          second(3.7, 450, 450, 20), // starts after recovery (3.5 s): not judged
          second(4.7, 450, 0, 0));

  @Test
  void theWindowRunsFromTheSecondHoldingTheFaultToRecoveryAndKeepsTheWorstSecond() {
    RunResult.ReadsWindow w = ReadsDuringFailover.window(RUN, 3.5);
    assertThat(w.seconds()).isEqualTo(4);
    assertThat(w.fromSeconds()).isEqualTo(-0.3);
    assertThat(w.toSeconds()).isEqualTo(3.5);
    assertThat(w.recovered()).isTrue();
    assertThat(w.offered()).isEqualTo(1800);
    assertThat(w.ok()).isEqualTo(1640);
    assertThat(w.worstP99Ms()).isEqualTo(900);
    assertThat(w.worstP99AtSeconds()).isEqualTo(1.7);
    assertThat(w.lowestCompleted()).isEqualTo(300 / 450.0);
    assertThat(w.lowestCompletedAtSeconds()).isEqualTo(1.7);
  }

  @Test
  void oneSlowOrStarvedSecondFailsTheSloAndTheMeasuredSaysWhen() {
    var slo =
        ReadsDuringFailover.slo(ReadsDuringFailover.window(RUN, 3.5), Duration.ofMillis(500), 95);
    assertThat(slo.passed()).isFalse();
    assertThat(slo.name()).isEqualTo("load_reads_during_failover");
    assertThat(slo.limit())
        .isEqualTo("every second from the fault to recovery: reads p99 < 500ms, >= 95 % completed");
    assertThat(slo.measured())
        .isEqualTo(
            "worst p99 900 ms (+2 s), lowest completed 66.7 % (+2 s); 4 s, 1640 of 1800 reads");

    var smooth =
        List.of(second(-0.5, 450, 450, 10), second(0.5, 450, 430, 499), second(1.5, 450, 450, 12));
    assertThat(
            ReadsDuringFailover.slo(
                    ReadsDuringFailover.window(smooth, 2.0), Duration.ofMillis(500), 95)
                .passed())
        .isTrue();
  }

  @Test
  void withoutRecoveryTheWindowRunsToTheEndAndAWriteOnlyLoadHasNone() {
    RunResult.ReadsWindow w = ReadsDuringFailover.window(RUN, null);
    assertThat(w.recovered()).isFalse();
    assertThat(w.seconds()).isEqualTo(6);
    assertThat(w.lowestCompleted()).isZero();
    assertThat(
            ReadsDuringFailover.window(
                List.of(new RunResult.LoadSecond(0.5, 50, 50, 0, 5, 5, 0, 0, 0)), 1.0))
        .isNull();
  }
}
