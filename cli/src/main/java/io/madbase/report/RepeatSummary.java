package io.madbase.report;

import io.madbase.chaos.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The distribution over repeated runs of one scenario: min / median / max per phase and probe, and
 * what the {@code --load} traffic paid per run when there was one.
 *
 * @param load what the load beside the runs was, in words (null without {@code --load})
 * @param loadStats per run: failed requests from the fault on, the worst second's p99, the steady
 *     p99 before the fault (empty without {@code --load})
 * @param loadErrorsByKind the load's errors over all runs, by kind
 */
public record RepeatSummary(
    String scenario,
    int runs,
    int passed,
    List<Stat> phases,
    List<Stat> writeGaps,
    Map<String, Integer> sloPasses,
    String load,
    List<Stat> loadStats,
    Map<String, Long> loadErrorsByKind) {

  /** min / median / max of one measure over the runs that observed it. */
  public record Stat(
      String id, String label, int observed, Double min, Double median, Double max) {}

  public static RepeatSummary of(List<RunResult> runs) {
    Map<String, List<Double>> byPhase = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, List<Double>> gaps = new LinkedHashMap<>();
    Map<String, Integer> slo = new LinkedHashMap<>();
    List<Double> loadErrors = new ArrayList<>();
    List<Double> worstP99 = new ArrayList<>();
    List<Double> steadyP99 = new ArrayList<>();
    List<Double> readsP99 = new ArrayList<>();
    List<Double> readsCompleted = new ArrayList<>();
    Map<String, Long> loadKinds = new TreeMap<>();
    String load = null;
    for (RunResult r : runs) {
      RunResult.LoadRun lr = r.load();
      if (lr != null) {
        load =
            String.format(
                Locale.ROOT,
                "%s at %.0f req/s over %d connections",
                lr.workload(),
                lr.rate(),
                lr.connections());
        loadErrors.add((double) lr.errorsAfterFault());
        worstP99.add(lr.worstP99Ms());
        steadyP99.add(lr.steadyP99Ms());
        if (lr.reads() != null) {
          readsP99.add(lr.reads().worstP99Ms());
          readsCompleted.add(lr.reads().lowestCompleted() * 100);
        }
        lr.errorsByKind().forEach((k, v) -> loadKinds.merge(k, v, Long::sum));
      }
      for (RunResult.PhaseResult p : r.phases()) {
        if (p.id().equals("fault_injected")) {
          continue;
        }
        labels.putIfAbsent(p.id(), p.label());
        List<Double> l = byPhase.computeIfAbsent(p.id(), k -> new ArrayList<>());
        if (p.atSeconds() != null) {
          l.add(p.atSeconds());
        }
      }
      for (RunResult.ProbeSummary p : r.probes()) {
        gaps.computeIfAbsent(p.probe(), k -> new ArrayList<>()).add(p.unavailabilitySeconds());
      }
      for (RunResult.SloResult s : r.slos()) {
        slo.merge(s.name(), s.passed() ? 1 : 0, Integer::sum);
      }
    }
    List<Stat> phases = new ArrayList<>();
    byPhase.forEach((id, v) -> phases.add(stat(id, labels.get(id), v)));
    List<Stat> g = new ArrayList<>();
    gaps.forEach((id, v) -> g.add(stat(id, "longest gap between successes, " + id, v)));
    return new RepeatSummary(
        runs.get(0).scenario(),
        runs.size(),
        (int) runs.stream().filter(RunResult::passed).count(),
        phases,
        g,
        slo,
        load,
        load == null
            ? List.of()
            : List.of(
                stat("load_errors_after_fault", "requests failed from the fault on", loadErrors),
                stat("load_worst_p99_ms", "worst second's p99 after the fault (ms)", worstP99),
                stat("load_steady_p99_ms", "steady p99 before the fault (ms)", steadyP99),
                stat(
                    "load_reads_worst_p99_ms",
                    "reads, fault to recovery: worst second's p99 (ms)",
                    readsP99),
                stat(
                    "load_reads_lowest_completed_percent",
                    "reads, fault to recovery: lowest second's share completed (%)",
                    readsCompleted)),
        loadKinds);
  }

  static Stat stat(String id, String label, List<Double> v) {
    if (v.isEmpty()) {
      return new Stat(id, label, 0, null, null, null);
    }
    List<Double> s = v.stream().sorted().toList();
    double median =
        s.size() % 2 == 1
            ? s.get(s.size() / 2)
            : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    return new Stat(id, label, s.size(), s.get(0), median, s.get(s.size() - 1));
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("## ")
        .append(passed == runs ? "PASS" : "FAIL")
        .append(": `")
        .append(scenario)
        .append("` x")
        .append(runs)
        .append(" (")
        .append(passed)
        .append(" of ")
        .append(runs)
        .append(" runs met every SLO)\n\n");
    sb.append(
        "| phase (s after fault) | runs observed | min | median | max |\n|---|---|---|---|---|\n");
    for (Stat s : phases) {
      sb.append(row(s));
    }
    for (Stat s : writeGaps) {
      sb.append(row(s));
    }
    sb.append("\n| SLO | runs passed |\n|---|---|\n");
    sloPasses.forEach(
        (k, v) ->
            sb.append("| ")
                .append(k)
                .append(" | ")
                .append(v)
                .append(" / ")
                .append(runs)
                .append(" |\n"));
    if (load != null) {
      sb.append("\n| load beside each run: ")
          .append(load)
          .append(" | runs | min | median | max |\n|---|---|---|---|---|\n");
      for (Stat s : loadStats) {
        sb.append(row(s));
      }
      sb.append("\nLoad errors over all runs: ")
          .append(loadErrorsByKind.isEmpty() ? "none" : Fmt.kinds(loadErrorsByKind))
          .append(".\n");
    }
    return sb.toString();
  }

  private static String row(Stat s) {
    if (s.observed() == 0) {
      return "| " + s.label() + " | 0 | | | |\n";
    }
    boolean count = s.id().equals("load_errors_after_fault");
    return String.format(
        Locale.ROOT,
        "| %s | %d | %s | %s | %s |%n",
        s.label(),
        s.observed(),
        number(s.min(), count),
        number(s.median(), count),
        number(s.max(), count));
  }

  /** Times with two decimals; counts whole (a median of two may end in .5). */
  private static String number(double v, boolean count) {
    if (count && v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, count ? "%.1f" : "%.2f", v);
  }
}
