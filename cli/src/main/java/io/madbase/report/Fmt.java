package io.madbase.report;

import io.madbase.chaos.Bound;
import io.madbase.chaos.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Small formatting helpers shared by the report formats. */
final class Fmt {
  private Fmt() {}

  static String s(Double seconds) {
    return seconds == null ? "not observed" : String.format(Locale.ROOT, "%.2f s", seconds);
  }

  static String ms(double millis) {
    return millis >= 1000
        ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
        : String.format(Locale.ROOT, "%.0f ms", millis);
  }

  static String predicted(RunResult.PhaseResult p) {
    Bound b = p.predicted();
    return p.id().equals("fault_injected") ? "" : b.toString();
  }

  /** "yes"/"no"/"" for within-prediction. */
  static String within(RunResult.PhaseResult p) {
    if (p.withinPrediction() == null || p.id().equals("fault_injected")) {
      return "";
    }
    return p.withinPrediction() ? "within" : "outside";
  }

  static String kinds(Map<String, ? extends Number> kinds) {
    return kinds.isEmpty()
        ? ""
        : kinds.entrySet().stream()
            .map(e -> e.getKey() + " x" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  static String verdict(RunResult r) {
    long failed = r.slos().stream().filter(x -> !x.passed()).count();
    return r.passed()
        ? "PASS (all " + r.slos().size() + " SLOs met)"
        : "FAIL (" + failed + " of " + r.slos().size() + " SLOs missed)";
  }

  static String stackLine(RunResult r) {
    return "stack "
        + r.stack().name()
        + " ("
        + r.stack().driver()
        + " driver, "
        + r.stack().profile()
        + " profile: "
        + r.stack().summary()
        + ")";
  }

  /** One sentence on the --load traffic: the same words in every format. */
  static String load(RunResult.LoadRun l) {
    return String.format(
        Locale.ROOT,
        "%s at %.0f req/s over %d connections: %d requests, %d errors (%d from the fault on);"
            + " latency from the intended send time p50 %s, p99 %s, max %s; steady p99 before the"
            + " fault %s, worst second p99 %s at %+.0f s",
        l.workload(),
        l.rate(),
        l.connections(),
        l.counts().scheduled(),
        l.counts().errors(),
        l.errorsAfterFault(),
        ms(l.latency().p50()),
        ms(l.latency().p99()),
        ms(l.latency().max()),
        ms(l.steadyP99Ms()),
        ms(l.worstP99Ms()),
        l.worstAtSeconds());
  }

  /**
   * The load's reads from the fault to recovery, one line: how many seconds, the worst second's p99
   * and the lowest share of offered reads completed, with when.
   */
  static String reads(RunResult.ReadsWindow w) {
    return String.format(
        Locale.ROOT,
        "reads from the fault to %s (%d s, %+.0f to %+.1f s): %d of %d offered completed; worst"
            + " second p99 %s at %+.0f s, lowest completed %.1f %% at %+.0f s",
        w.recovered() ? "recovery" : "the end",
        w.seconds(),
        w.fromSeconds(),
        w.toSeconds(),
        w.ok(),
        w.offered(),
        ms(w.worstP99Ms()),
        w.worstP99AtSeconds(),
        w.lowestCompleted() * 100,
        w.lowestCompletedAtSeconds());
  }

  /**
   * "first http_503: {...}" for each error kind of a load run, on one line each (line breaks in a
   * body become spaces).
   */
  static List<String> errorSamples(Map<String, String> samples) {
    List<String> out = new ArrayList<>();
    if (samples != null) {
      samples.forEach(
          (kind, text) -> out.add("first " + kind + ": " + text.replaceAll("\\s*\\R\\s*", " ")));
    }
    return out;
  }

  /**
   * The lost writes of a ledger check with when each was acknowledged: {@code [57 acked at -0.004
   * s]} (seconds after the first fault; before it when negative).
   */
  static String lostWrites(RunResult.LedgerCheck l) {
    if (l.lostAckedAtSeconds().isEmpty()) {
      return l.lostSeqs().toString();
    }
    List<String> parts = new ArrayList<>();
    int shown = Math.min(5, l.lostSeqs().size());
    for (int i = 0; i < shown; i++) {
      parts.add(
          String.format(
              Locale.ROOT,
              "%d acked at %+.3f s",
              l.lostSeqs().get(i),
              l.lostAckedAtSeconds().get(i)));
    }
    if (l.lost() > shown) {
      parts.add((l.lost() - shown) + " more");
    }
    return "[" + String.join(", ", parts) + "]";
  }
}
