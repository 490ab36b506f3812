package io.madbase.chaos;

import io.madbase.common.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --load} reads from the fault to recovery (issue 12): while a failover holds writes,
 * the replicas can go on serving reads, and a gateway that lets held writes take its threads stalls
 * them too. Judged second by second: every second, reads' p99 under a limit and at least a share of
 * the offered reads completed.
 */
final class ReadsDuringFailover {
  /** The limits when the scenario sets none: 500 ms and 95 %, the goal on two cores. */
  static final Duration DEFAULT_P99 = Duration.ofMillis(500);

  static final int DEFAULT_COMPLETED_PERCENT = 95;

  static final String SLO = "load_reads_during_failover";

  private ReadsDuringFailover() {}

  /**
   * The window of {@code seconds} (at seconds after the fault) from the fault to {@code recovery}
   * (null: to the last second); null when no read was offered in the whole run.
   */
  static RunResult.ReadsWindow window(List<RunResult.LoadSecond> seconds, Double recovery) {
    if (seconds.stream().noneMatch(s -> s.readsOffered() > 0)) {
      return null;
    }
    double end =
        recovery != null
            ? recovery
            : seconds.isEmpty() ? 0 : seconds.get(seconds.size() - 1).atSeconds() + 1;
    double from = Double.NaN;
    int n = 0;
    long offered = 0;
    long ok = 0;
    double worst = 0;
    double worstAt = 0;
    double lowest = 1;
    double lowestAt = 0;
    for (RunResult.LoadSecond s : seconds) {
      // the seconds that overlap [fault, end]: the first holds the fault
      if (s.atSeconds() + 1 <= 0 || s.atSeconds() >= end) {
        continue;
      }
      if (Double.isNaN(from)) {
        from = s.atSeconds();
      }
      n++;
      offered += s.readsOffered();
      ok += s.readsOk();
      if (s.readsP99Ms() > worst) {
        worst = s.readsP99Ms();
        worstAt = s.atSeconds();
      }
      if (s.readsCompleted() < lowest) {
        lowest = s.readsCompleted();
        lowestAt = s.atSeconds();
      }
    }
    return new RunResult.ReadsWindow(
        Double.isNaN(from) ? 0 : from,
        end,
        recovery != null,
        n,
        offered,
        ok,
        worst,
        worstAt,
        lowest,
        lowestAt);
  }

  /** The SLO: every second of the window within {@code p99} and {@code completedPercent}. */
  static RunResult.SloResult slo(RunResult.ReadsWindow w, Duration p99, int completedPercent) {
    boolean ok =
        w.seconds() > 0
            && w.worstP99Ms() < p99.toMillis()
            && w.lowestCompleted() * 100 >= completedPercent;
    String limit =
        String.format(
            Locale.ROOT,
            "every second from the fault to %s: reads p99 < %s, >= %d %% completed",
            w.recovered() ? "recovery" : "the end",
            Durations.format(p99),
            completedPercent);
    String measured =
        w.seconds() == 0
            ? "no second to judge"
            : String.format(
                Locale.ROOT,
                "worst p99 %.0f ms (%+.0f s), lowest completed %.1f %% (%+.0f s); %d s, %d of %d"
                    + " reads",
                w.worstP99Ms(),
                w.worstP99AtSeconds(),
                w.lowestCompleted() * 100,
                w.lowestCompletedAtSeconds(),
                w.seconds(),
                w.ok(),
                w.offered());
    return new RunResult.SloResult(SLO, limit, measured, ok);
  }
}
