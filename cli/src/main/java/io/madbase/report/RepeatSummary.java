package io.madbase.report;

import io.madbase.chaos.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The distribution over repeated runs of one scenario: min / median / max per phase and probe. */
public record RepeatSummary(
    String scenario,
    int runs,
    int passed,
    List<Stat> phases,
    List<Stat> writeGaps,
    Map<String, Integer> sloPasses) {

  /** min / median / max of one measure over the runs that observed it. */
  public record Stat(
      String id, String label, int observed, Double min, Double median, Double max) {}

  public static RepeatSummary of(List<RunResult> runs) {
    Map<String, List<Double>> byPhase = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, List<Double>> gaps = new LinkedHashMap<>();
    Map<String, Integer> slo = new LinkedHashMap<>();
    for (RunResult r : runs) {
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
        slo);
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
    return sb.toString();
  }

  private static String row(Stat s) {
    return s.observed() == 0
        ? "| " + s.label() + " | 0 | | | |\n"
        : String.format(
            Locale.ROOT,
            "| %s | %d | %.2f | %.2f | %.2f |%n",
            s.label(),
            s.observed(),
            s.min(),
            s.median(),
            s.max());
  }
}
