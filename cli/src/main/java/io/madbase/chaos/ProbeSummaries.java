package io.madbase.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** What each probe saw over a whole run: outcomes, latency percentiles, the longest gap. */
final class ProbeSummaries {
  private ProbeSummaries() {}

  /** One summary per probe of the scenario, in the scenario's order. */
  static List<RunResult.ProbeSummary> of(RunRecord run) {
    return ScenarioRunner.probeNameList(run.scenario()).stream()
        .map(name -> summary(name, run.ops().of(name)))
        .toList();
  }

  static RunResult.ProbeSummary summary(String name, List<Op> ops) {
    Histogram h = new Histogram(Duration.ofMinutes(5).toNanos(), 3);
    int ok = 0;
    int failed = 0;
    int unknown = 0;
    int notSent = 0;
    int held = 0;
    Map<String, Integer> kinds = new TreeMap<>();
    long lastOk = -1;
    long maxGap = 0;
    for (Op o : ops) {
      switch (o.outcome()) {
        case OK -> {
          ok++;
          h.recordValue(Math.max(0, Math.min(o.latencyNanos(), h.getHighestTrackableValue())));
          if (o.retries() > 0) {
            held++;
          }
          if (lastOk >= 0) {
            maxGap = Math.max(maxGap, o.endNanos() - lastOk);
          }
          lastOk = o.endNanos();
        }
        case FAILED -> {
          failed++;
          kinds.merge(o.errorKind(), 1, Integer::sum);
        }
        case UNKNOWN -> {
          unknown++;
          kinds.merge(o.errorKind() + " (outcome unknown)", 1, Integer::sum);
        }
        case NOT_SENT -> {
          notSent++;
          kinds.merge("not_sent", 1, Integer::sum);
        }
      }
    }
    return new RunResult.ProbeSummary(
        name,
        ops.size(),
        ok,
        failed,
        unknown,
        notSent,
        held,
        kinds,
        ok == 0 ? 0 : h.getValueAtPercentile(50) / 1e6,
        ok == 0 ? 0 : h.getValueAtPercentile(99) / 1e6,
        ok == 0 ? 0 : h.getMaxValue() / 1e6,
        maxGap / 1e9);
  }
}
