package io.madbase.report;

import io.madbase.load.LoadReport;
import java.util.Locale;

/**
 * JUnit XML of a load test: one test case per threshold, so a CI server shows which one was missed.
 */
public final class LoadJunitReport {
  private LoadJunitReport() {}

  public static String render(LoadReport report) {
    var r = report.result();
    long failures = report.checks().stream().filter(c -> !c.passed()).count();
    String suite = "madbase.loadtest";
    StringBuilder sb =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"%.3f\" timestamp=\"%s\">%n",
            suite,
            report.checks().size(),
            failures,
            r.measuredSeconds(),
            r.startedAt().toString().replaceFirst("\\.\\d+Z$", "Z")));
    sb.append("    <properties>\n");
    property(sb, "target", r.target());
    property(sb, "workload", r.workload());
    property(sb, "rate", Double.toString(r.requestedRate()));
    property(sb, "connections", Integer.toString(r.connections().requested()));
    sb.append("    </properties>\n");
    for (LoadReport.Check c : report.checks()) {
      sb.append("    <testcase classname=\"")
          .append(suite)
          .append("\" name=\"")
          .append(JunitReport.esc(c.name() + " " + c.limit()))
          .append("\" time=\"0\">");
      if (!c.passed()) {
        String msg = "measured " + c.measured() + ", limit " + c.limit();
        sb.append("\n      <failure message=\"")
            .append(JunitReport.esc(msg))
            .append("\" type=\"ThresholdMissed\">")
            .append(JunitReport.esc(c.name() + ": " + msg))
            .append("</failure>\n    ");
      }
      sb.append("</testcase>\n");
    }
    sb.append("    <system-out>")
        .append(JunitReport.esc(LoadTextReport.render(report)))
        .append("</system-out>\n");
    return sb.append("  </testsuite>\n</testsuites>\n").toString();
  }

  private static void property(StringBuilder sb, String name, String value) {
    sb.append("      <property name=\"")
        .append(name)
        .append("\" value=\"")
        .append(JunitReport.esc(value))
        .append("\"/>\n");
  }
}
