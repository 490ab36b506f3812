package io.madbase.report;

import io.madbase.chaos.RunResult;
import java.util.List;
import java.util.Locale;

/** A Markdown report, suitable for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY). */
public final class MarkdownReport {
  private MarkdownReport() {}

  public static String render(RunResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append("## ")
        .append(r.passed() ? "PASS" : "FAIL")
        .append(": `")
        .append(r.scenario())
        .append("`\n\n");
    if (!r.description().isBlank()) {
      sb.append(r.description().strip()).append("\n\n");
    }
    sb.append("Run `")
        .append(r.runId())
        .append("` at ")
        .append(r.startedAt())
        .append(" on ")
        .append(Fmt.stackLine(r))
        .append(".\n\n");
    for (RunResult.FaultRecord f : r.faults()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Fault: **%s** on `%s` (%s), %.2f s into the run.%n%n",
              f.action(),
              f.target(),
              f.detail(),
              f.atSeconds()));
    }
    sb.append(
        "### Timeline\n\n| phase | observed (s after fault) | predicted | | source | failed / unknown / held in the step | errors |\n|---|---|---|---|---|---|---|\n");
    for (RunResult.PhaseResult p : r.phases()) {
      sb.append("| ")
          .append(p.label())
          .append(p.required() ? "" : " *(optional)*")
          .append(" | ")
          .append(Fmt.s(p.atSeconds()))
          .append(" | ")
          .append(Fmt.predicted(p))
          .append(" | ")
          .append(Fmt.within(p))
          .append(" | ")
          .append(p.source())
          .append(" | ")
          .append(
              p.id().equals("fault_injected")
                  ? ""
                  : p.failed() + " / " + p.unknown() + " / " + p.held())
          .append(" | ")
          .append(Fmt.kinds(p.errorsByKind()))
          .append(" |\n");
    }
    sb.append(
        "\n### Probes\n\n| probe | ok | failed | unknown | not sent | held | p50 | p99 | max | longest gap | errors |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (RunResult.ProbeSummary p : r.probes()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %d | %d | %s | %s | %s | %.2f s | %s |%n",
              p.probe(),
              p.ok(),
              p.failed(),
              p.unknown(),
              p.notSent(),
              p.held(),
              Fmt.ms(p.p50Ms()),
              Fmt.ms(p.p99Ms()),
              Fmt.ms(p.maxMs()),
              p.unavailabilitySeconds(),
              Fmt.kinds(p.errorsByKind())));
    }
    if (!r.ledger().isEmpty()) {
      sb.append(
          "\n### Acknowledged writes\n\n| probe | where | acknowledged | found | lost | unknown outcome (applied) |\n|---|---|---|---|---|---|\n");
      for (RunResult.LedgerCheck l : r.ledger()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %d | %d%s | %d (%d) |%n",
                l.probe(),
                l.where(),
                l.acknowledged(),
                l.present(),
                l.lost(),
                l.lost() == 0 ? "" : " " + Fmt.lostWrites(l),
                l.unknown(),
                l.unknownPresent()));
      }
    }
    if (r.load() != null) {
      var l = r.load();
      sb.append("\n### Load beside the run\n\n");
      sb.append(Fmt.load(l)).append(" (`--load`).\n\n");
      if (l.reads() != null) {
        sb.append(Fmt.reads(l.reads())).append(".\n\n");
      }
      List<String> samples = Fmt.errorSamples(l.errorSamples());
      samples.forEach(line -> sb.append("- ").append(code(line)).append('\n'));
      if (!samples.isEmpty()) {
        sb.append('\n');
      }
      sb.append(
          "| second (after the fault) | requests ended | errors | p99 | max | reads offered |"
              + " reads completed | reads p99 |\n|---|---|---|---|---|---|---|---|\n");
      for (RunResult.LoadSecond s2 : l.seconds()) {
        if (s2.atSeconds() >= -3
            && (r.recoverySeconds() == null || s2.atSeconds() <= r.recoverySeconds() + 3)) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "| %+.0f | %d | %d | %s | %s | %d | %.1f %% | %s |%n",
                  s2.atSeconds(),
                  s2.completed(),
                  s2.errors(),
                  Fmt.ms(s2.p99Ms()),
                  Fmt.ms(s2.maxMs()),
                  s2.readsOffered(),
                  s2.readsCompleted() * 100,
                  Fmt.ms(s2.readsP99Ms())));
        }
      }
    }
    if (!r.anomalies().isEmpty()) {
      sb.append("\n### Anomalies\n\n");
      r.anomalies()
          .forEach(
              a ->
                  sb.append(
                      String.format(
                          Locale.ROOT,
                          "- **%s** at %.2f s: %s%n",
                          a.kind(),
                          a.atSeconds(),
                          a.detail())));
    }
    sb.append("\n### SLOs\n\n| | SLO | limit | measured |\n|---|---|---|---|\n");
    for (RunResult.SloResult s : r.slos()) {
      sb.append("| ")
          .append(s.passed() ? "PASS" : "**FAIL**")
          .append(" | ")
          .append(s.name())
          .append(" | ")
          .append(s.limit())
          .append(" | ")
          .append(s.measured())
          .append(" |\n");
    }
    if (!r.notes().isEmpty()) {
      sb.append("\n");
      r.notes().forEach(n -> sb.append("> ").append(n).append("\n"));
    }
    sb.append("\n**Verdict: ").append(Fmt.verdict(r)).append("**\n");
    return sb.toString();
  }

  /** A code span; a backtick inside would end it early. */
  private static String code(String text) {
    return "`" + text.replace('`', '\'') + "`";
  }
}
