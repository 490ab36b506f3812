package io.madbase.report;

import io.madbase.chaos.RunResult;
import java.util.List;
import java.util.Locale;

/**
 * JUnit XML: one test suite per run, one test case per SLO (plus "recovered"), so a CI server shows
 * which SLO a failover missed.
 */
public final class JunitReport {
  private JunitReport() {}

  public static String render(List<RunResult> runs) {
    StringBuilder sb =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (int i = 0; i < runs.size(); i++) {
      RunResult r = runs.get(i);
      long failures = r.slos().stream().filter(s -> !s.passed()).count();
      String suite = "madbase.chaos." + r.scenario() + (runs.size() > 1 ? ".run" + (i + 1) : "");
      sb.append(
          String.format(
              Locale.ROOT,
              "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"%.3f\" timestamp=\"%s\">%n",
              esc(suite),
              r.slos().size(),
              failures,
              r.durationSeconds(),
              r.startedAt().toString().replaceFirst("\\.\\d+Z$", "Z")));
      sb.append("    <properties>\n");
      sb.append("      <property name=\"run_id\" value=\"").append(esc(r.runId())).append("\"/>\n");
      sb.append("      <property name=\"stack\" value=\"")
          .append(esc(Fmt.stackLine(r)))
          .append("\"/>\n");
      for (RunResult.PhaseResult p : r.phases()) {
        sb.append("      <property name=\"phase.")
            .append(esc(p.id()))
            .append("\" value=\"")
            .append(esc(Fmt.s(p.atSeconds())))
            .append("\"/>\n");
      }
      sb.append("    </properties>\n");
      for (RunResult.SloResult s : r.slos()) {
        sb.append("    <testcase classname=\"")
            .append(esc(suite))
            .append("\" name=\"")
            .append(esc(s.name() + " " + s.limit()))
            .append("\" time=\"0\">");
        if (!s.passed()) {
          sb.append("\n      <failure message=\"")
              .append(esc("measured " + s.measured() + ", limit " + s.limit()))
              .append("\" type=\"SloMissed\">")
              .append(esc(s.name() + ": measured " + s.measured() + ", limit " + s.limit()))
              .append("</failure>\n    ");
        }
        sb.append("</testcase>\n");
      }
      sb.append("    <system-out>").append(esc(TextReport.render(r))).append("</system-out>\n");
      sb.append("  </testsuite>\n");
    }
    return sb.append("</testsuites>\n").toString();
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
