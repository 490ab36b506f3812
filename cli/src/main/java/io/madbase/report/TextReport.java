package io.madbase.report;

import io.madbase.chaos.RunResult;
import java.util.Locale;

/** The report on the terminal: the timeline, the probes, the ledger, the SLOs and the verdict. */
public final class TextReport {
  private TextReport() {}

  public static String render(RunResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.scenario()).append(": ").append(Fmt.stackLine(r)).append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "%n  %-46s %12s  %-12s %-8s %-22s %s%n",
            "PHASE (after the fault)",
            "OBSERVED",
            "PREDICTED",
            "",
            "SOURCE",
            "FAILED/UNKNOWN/HELD IN THE STEP"));
    for (RunResult.PhaseResult p : r.phases()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-46s %12s  %-12s %-8s %-22s %s%n",
              trim(p.label() + (p.required() ? "" : " (optional)"), 46),
              Fmt.s(p.atSeconds()),
              Fmt.predicted(p),
              Fmt.within(p),
              p.source(),
              p.id().equals("fault_injected")
                  ? ""
                  : p.failed()
                      + "/"
                      + p.unknown()
                      + "/"
                      + p.held()
                      + (p.errorsByKind().isEmpty() ? "" : "  " + Fmt.kinds(p.errorsByKind()))));
    }
    sb.append("\n  probes:\n");
    for (RunResult.ProbeSummary p : r.probes()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "    %-16s %5d ok %4d failed %4d unknown %4d held  latency p50 %s p99 %s max %s  longest gap %.2f s%s%n",
              p.probe(),
              p.ok(),
              p.failed(),
              p.unknown(),
              p.held(),
              Fmt.ms(p.p50Ms()),
              Fmt.ms(p.p99Ms()),
              Fmt.ms(p.maxMs()),
              p.unavailabilitySeconds(),
              p.errorsByKind().isEmpty() ? "" : "  (" + Fmt.kinds(p.errorsByKind()) + ")"));
    }
    if (!r.ledger().isEmpty()) {
      sb.append("  acknowledged writes:\n");
      for (RunResult.LedgerCheck l : r.ledger()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "    %-16s %5d acknowledged, %5d found, %d lost%s%s%n",
                l.probe(),
                l.acknowledged(),
                l.present(),
                l.lost(),
                l.lost() == 0 ? "" : " " + Fmt.lostWrites(l),
                l.unknown() == 0
                    ? ""
                    : "; "
                        + l.unknown()
                        + " of unknown outcome, "
                        + l.unknownPresent()
                        + " of them applied"));
      }
    }
    if (r.load() != null) {
      sb.append("  load: ").append(Fmt.load(r.load())).append('\n');
      if (r.load().reads() != null) {
        sb.append("    ").append(Fmt.reads(r.load().reads())).append('\n');
      }
      Fmt.errorSamples(r.load().errorSamples())
          .forEach(line -> sb.append("    ").append(line).append('\n'));
    }
    for (RunResult.Anomaly a : r.anomalies()) {
      sb.append(
          String.format(
              Locale.ROOT, "  ANOMALY %s at %.2f s: %s%n", a.kind(), a.atSeconds(), a.detail()));
    }
    for (String n : r.notes()) {
      sb.append("  note: ").append(n).append('\n');
    }
    sb.append("  SLOs:\n");
    for (RunResult.SloResult s : r.slos()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "    %s %-40s %-28s measured %s%n",
              s.passed() ? "PASS" : "FAIL",
              s.name(),
              s.limit(),
              s.measured()));
    }
    sb.append("  verdict: ").append(Fmt.verdict(r)).append('\n');
    return sb.toString();
  }

  private static String trim(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }
}
