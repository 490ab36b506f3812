package io.madbase.report;

import io.madbase.chaos.Op;
import io.madbase.chaos.RunResult;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page: an SVG timeline (phases as lines, predicted windows as bands, every
 * probe operation as a mark coloured by its outcome, held requests as bars from their intended
 * start) above the tables of the Markdown report.
 */
public final class HtmlReport {
  private static final int WIDTH = 1100;
  private static final int LEFT = 150;
  private static final int RIGHT = 30;
  private static final int LANE = 34;

  private HtmlReport() {}

  public static String render(RunResult r) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(esc(r.scenario() + " " + (r.passed() ? "PASS" : "FAIL")))
        .append("</title>\n<style>\n")
        .append(
            "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1160px;color:#1d2433}\n")
        .append(
            "h1{font-size:22px;margin:0 0 4px} .pass{color:#1a7f37} .fail{color:#cf222e} .muted{color:#667085}\n")
        .append(
            "table{border-collapse:collapse;margin:8px 0 20px;width:100%} th,td{border-bottom:1px solid #e4e7ec;padding:5px 8px;text-align:left;font-variant-numeric:tabular-nums}\n")
        .append(
            "th{background:#f6f8fa;font-weight:600} .badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600}\n")
        .append(
            ".bp{background:#1a7f37}.bf{background:#cf222e} svg{background:#fff;border:1px solid #e4e7ec;border-radius:6px}\n")
        .append("</style></head><body>\n");
    h.append("<h1><span class=\"badge ")
        .append(r.passed() ? "bp\">PASS" : "bf\">FAIL")
        .append("</span> ")
        .append(esc(r.scenario()))
        .append("</h1>\n");
    h.append("<p class=\"muted\">").append(esc(r.description().strip())).append("</p>\n");
    h.append("<p class=\"muted\">run ")
        .append(esc(r.runId()))
        .append(" &middot; ")
        .append(esc(r.startedAt().toString()))
        .append(" &middot; ")
        .append(esc(Fmt.stackLine(r)))
        .append("</p>\n");
    h.append(svg(r));
    h.append(
        "<h2>Timeline</h2>\n<table><tr><th>phase</th><th>observed (s after fault)</th><th>predicted</th><th></th><th>source</th><th>failed / unknown / held in the step</th><th>errors</th></tr>\n");
    for (RunResult.PhaseResult p : r.phases()) {
      h.append("<tr><td>")
          .append(esc(p.label()))
          .append(p.required() ? "" : " <span class=\"muted\">(optional)</span>")
          .append("</td><td>")
          .append(esc(Fmt.s(p.atSeconds())))
          .append("</td><td>")
          .append(esc(Fmt.predicted(p)))
          .append("</td><td>")
          .append(esc(Fmt.within(p)))
          .append("</td><td>")
          .append(esc(p.source()))
          .append("</td><td>")
          .append(
              p.id().equals("fault_injected")
                  ? ""
                  : p.failed() + " / " + p.unknown() + " / " + p.held())
          .append("</td><td>")
          .append(esc(Fmt.kinds(p.errorsByKind())))
          .append("</td></tr>\n");
    }
    h.append(
        "</table>\n<h2>Probes</h2>\n<table><tr><th>probe</th><th>ok</th><th>failed</th><th>unknown</th><th>held</th><th>p50</th><th>p99</th><th>max</th><th>longest gap</th><th>errors</th></tr>\n");
    for (RunResult.ProbeSummary p : r.probes()) {
      h.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%.2f s</td><td>%s</td></tr>%n",
              esc(p.probe()),
              p.ok(),
              p.failed(),
              p.unknown(),
              p.held(),
              Fmt.ms(p.p50Ms()),
              Fmt.ms(p.p99Ms()),
              Fmt.ms(p.maxMs()),
              p.unavailabilitySeconds(),
              esc(Fmt.kinds(p.errorsByKind()))));
    }
    h.append("</table>\n");
    if (!r.ledger().isEmpty()) {
      h.append(
          "<h2>Acknowledged writes</h2>\n<table><tr><th>probe</th><th>where</th><th>acknowledged</th><th>found</th><th>lost</th><th>unknown outcome (applied)</th></tr>\n");
      for (RunResult.LedgerCheck l : r.ledger()) {
        h.append(
            String.format(
                Locale.ROOT,
                "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d %s</td><td>%d (%d)</td></tr>%n",
                esc(l.probe()),
                esc(l.where()),
                l.acknowledged(),
                l.present(),
                l.lost(),
                l.lost() == 0 ? "" : esc(Fmt.lostWrites(l)),
                l.unknown(),
                l.unknownPresent()));
      }
      h.append("</table>\n");
    }
    if (r.load() != null) {
      h.append("<h2>Load beside the run</h2>\n<p>")
          .append(esc(Fmt.load(r.load())))
          .append("</p>\n");
      if (r.load().reads() != null) {
        h.append("<p>").append(esc(Fmt.reads(r.load().reads()))).append("</p>\n");
      }
    }
    if (!r.anomalies().isEmpty()) {
      h.append("<h2>Anomalies</h2><ul>\n");
      r.anomalies()
          .forEach(
              a ->
                  h.append(
                      String.format(
                          Locale.ROOT,
                          "<li><b>%s</b> at %.2f s: %s</li>%n",
                          esc(a.kind()),
                          a.atSeconds(),
                          esc(a.detail()))));
      h.append("</ul>\n");
    }
    h.append(
        "<h2>SLOs</h2>\n<table><tr><th></th><th>SLO</th><th>limit</th><th>measured</th></tr>\n");
    for (RunResult.SloResult s : r.slos()) {
      h.append("<tr><td class=\"")
          .append(s.passed() ? "pass\">PASS" : "fail\">FAIL")
          .append("</td><td>")
          .append(esc(s.name()))
          .append("</td><td>")
          .append(esc(s.limit()))
          .append("</td><td>")
          .append(esc(s.measured()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p><b>Verdict: ")
        .append(esc(Fmt.verdict(r)))
        .append("</b></p>\n</body></html>\n");
    return h.toString();
  }

  /**
   * The timeline: time runs left to right, in seconds after the (first) fault. One row per phase
   * (its predicted window as a band, its observed time as a marker), then one lane per probe (every
   * operation a mark at its end, coloured by outcome; held or slow ones with a bar back to their
   * intended start).
   */
  static String svg(RunResult r) {
    double fault = r.faults().isEmpty() ? 0 : r.faults().get(0).atSeconds();
    // each fault's phases are timed from that fault (they follow its fault_injected row): on the
    // axis they sit at that fault's time after the first one
    List<RunResult.PhaseResult> phases = new java.util.ArrayList<>();
    List<Double> offsets = new java.util.ArrayList<>();
    List<String> after = new java.util.ArrayList<>(); // "" for the first fault's phases
    int faultIndex = -1;
    for (RunResult.PhaseResult p : r.phases()) {
      if (p.id().equals("fault_injected")) {
        faultIndex++;
        continue;
      }
      phases.add(p);
      boolean later = faultIndex > 0 && faultIndex < r.faults().size();
      offsets.add(later ? r.faults().get(faultIndex).atSeconds() - fault : 0.0);
      after.add(later ? " after " + r.faults().get(faultIndex).action() : "");
    }
    double last = 5;
    for (int i = 0; i < phases.size(); i++) {
      if (phases.get(i).atSeconds() != null) {
        last = Math.max(last, offsets.get(i) + phases.get(i).atSeconds());
      }
    }
    for (RunResult.FaultRecord f : r.faults()) {
      last = Math.max(last, f.atSeconds() - fault);
    }
    double from = -2;
    double to = Math.max(last + 3, 6);
    List<String> probes = r.probes().stream().map(RunResult.ProbeSummary::probe).toList();
    int axisY = 24;
    int phaseTop = 36;
    int phaseRow = 20;
    int probeTop = phaseTop + phaseRow * phases.size() + 14;
    int loadTop = probeTop + LANE * probes.size();
    int loadHeight = r.load() == null ? 0 : 60;
    int height = loadTop + loadHeight + 30;
    Scale x = new Scale(from, to, LEFT + 70, WIDTH - RIGHT);
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"system-ui,sans-serif\" font-size=\"11\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    // axis and grid
    double step = to - from > 30 ? 5 : to - from > 12 ? 2 : 1;
    for (double t = Math.ceil(from / step) * step; t <= to; t += step) {
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\"/><text x=\"%.1f\" y=\"%d\" fill=\"#667085\" text-anchor=\"middle\">%s</text>%n",
              x.at(t),
              x.at(t),
              axisY + 4,
              height - 24,
              t == 0 ? "#cf222e" : "#f0f2f5",
              x.at(t),
              axisY,
              t == 0 ? "fault" : String.format(Locale.ROOT, "%+.0fs", t)));
    }
    // the faults after the first: a line at each, named by its action
    for (RunResult.FaultRecord f :
        r.faults().subList(Math.min(1, r.faults().size()), r.faults().size())) {
      double fx = x.at(f.atSeconds() - fault);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"><title>%s %s at %+.2f s</title></line><text x=\"%.1f\" y=\"%d\" fill=\"#cf222e\">%s</text>%n",
              fx,
              fx,
              axisY + 4,
              height - 24,
              esc(f.action()),
              esc(f.target()),
              f.atSeconds() - fault,
              fx + 3,
              axisY + 14,
              esc(f.action())));
    }
    // phases: predicted band, observed marker (a later fault's phases from that fault's line)
    for (int i = 0; i < phases.size(); i++) {
      RunResult.PhaseResult p = phases.get(i);
      double off = offsets.get(i);
      int y = phaseTop + phaseRow * i;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"8\" y=\"%d\" fill=\"#1d2433\">%s</text>%n",
              y + 13,
              esc(trim(p.label(), 36))));
      if (p.predicted() != null) {
        double a = x.at(off + p.predicted().min());
        double b = Math.max(x.at(off + p.predicted().max()), a + 2);
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" rx=\"3\" fill=\"#c7d4fe\"><title>predicted %s: %s</title></rect>%n",
                a,
                y + 3,
                b - a,
                esc(p.predicted().toString()),
                esc(p.predicted().why())));
      }
      if (p.atSeconds() != null) {
        double px = x.at(off + p.atSeconds());
        String color = Boolean.FALSE.equals(p.withinPrediction()) ? "#cf222e" : "#1f3fbf";
        s.append(
            String.format(
                Locale.ROOT,
                "<path d=\"M%.1f %d l5 6 l-5 6 l-5 -6 z\" fill=\"%s\"><title>%s: %.2f s (predicted %s)</title></path>%n",
                px,
                y + 3,
                color,
                esc(p.label()),
                p.atSeconds(),
                esc(p.predicted().toString())));
        String text = String.format(Locale.ROOT, "%.2f s%s", p.atSeconds(), after.get(i));
        // ~6 px a character at 11 px: a label that would run off the right edge goes left of it
        boolean left = px + 8 + text.length() * 6 > WIDTH;
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" fill=\"%s\"%s>%s</text>%n",
                left ? px - 8 : px + 8,
                y + 13,
                color,
                left ? " text-anchor=\"end\"" : "",
                esc(text)));
      } else {
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" fill=\"#cf222e\">not observed</text>%n",
                LEFT + 70,
                y + 13));
      }
    }
    // probe lanes
    for (int l = 0; l < probes.size(); l++) {
      int y = probeTop + LANE * l;
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"8\" y=\"%d\" fill=\"#1d2433\" font-weight=\"600\">%s</text>%n",
              y + 20,
              esc(probes.get(l))));
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#eef0f3\"/>%n",
              LEFT + 70,
              WIDTH - RIGHT,
              y + LANE - 2,
              y + LANE - 2));
    }
    for (Op o : r.operations()) {
      int lane = probes.indexOf(o.probe());
      if (lane < 0) {
        continue;
      }
      double end = o.endNanos() / 1e9 - fault;
      double start = o.intendedNanos() / 1e9 - fault;
      if (end < from || start > to) {
        continue;
      }
      int y = probeTop + LANE * lane + 6;
      boolean slow = o.ok() && (o.retries() > 0 || o.latencyNanos() > 500_000_000L);
      String color =
          switch (o.outcome()) {
            case OK -> slow ? "#e8a317" : "#2da44e";
            case FAILED, NOT_SENT -> "#cf222e";
            case UNKNOWN -> "#8250df";
          };
      if (slow) {
        s.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\" opacity=\"0.35\"/>%n",
                x.at(Math.max(start, from)),
                x.at(end),
                y + 18,
                y + 18,
                color));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"2\" height=\"16\" fill=\"%s\"><title>%s #%d %s %s %.0f ms</title></rect>%n",
              x.at(end) - 1,
              y,
              color,
              esc(o.probe()),
              o.seq(),
              o.outcome(),
              esc(o.errorKind()),
              o.latencyNanos() / 1e6));
    }
    if (r.load() != null) {
      // per-second p99 of the --load traffic, on a log scale (1 ms at the bottom, the worst at the
      // top)
      double worst =
          Math.max(
              2,
              r.load().seconds().stream().mapToDouble(RunResult.LoadSecond::p99Ms).max().orElse(2));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"8\" y=\"%d\" fill=\"#1d2433\" font-weight=\"600\">load p99</text><text x=\"8\" y=\"%d\" fill=\"#667085\">top: %s</text>%n",
              loadTop + 24,
              loadTop + 38,
              esc(Fmt.ms(worst))));
      for (RunResult.LoadSecond sec : r.load().seconds()) {
        if (sec.atSeconds() + 1 < from || sec.atSeconds() > to) {
          continue;
        }
        if (sec.completed() == 0) {
          // nothing ended in this second: every request was held (or the generator had stopped)
          double a0 = x.at(sec.atSeconds());
          s.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"3\" fill=\"#98a2b3\"><title>%+.0f s: no request ended (held)</title></rect>%n",
                  a0 + 0.5,
                  loadTop + 51,
                  Math.max(1, x.at(sec.atSeconds() + 1) - a0 - 1),
                  sec.atSeconds()));
          continue;
        }
        double h = Math.max(1, 48 * Math.log(Math.max(1, sec.p99Ms())) / Math.log(worst));
        double a = x.at(sec.atSeconds());
        double b = x.at(sec.atSeconds() + 1);
        s.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%+.0f s: %d ended, %d errors, p99 %s, max %s; reads: %d offered, %.0f %% completed, p99 %s</title></rect>%n",
                a + 0.5,
                loadTop + 54 - h,
                Math.max(1, b - a - 1),
                h,
                sec.errors() > 0 ? "#cf222e" : "#e8a317",
                sec.atSeconds(),
                sec.completed(),
                sec.errors(),
                esc(Fmt.ms(sec.p99Ms())),
                esc(Fmt.ms(sec.maxMs())),
                sec.readsOffered(),
                sec.readsCompleted() * 100,
                esc(Fmt.ms(sec.readsP99Ms()))));
      }
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"8\" y=\"%d\" fill=\"#667085\">&#9670; observed (red: outside the prediction) &#183; band: predicted &#183; green ok &#183; amber held or slow (faint bar back to its intended start) &#183; red failed &#183; purple outcome unknown</text>%n",
            height - 8));
    return s.append("</svg>\n").toString();
  }

  private static String trim(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  private record Scale(double from, double to, double left, double right) {
    double at(double t) {
      return left + (Math.max(from, Math.min(to, t)) - from) / (to - from) * (right - left);
    }
  }

  static String esc(String s) {
    return JunitReport.esc(s == null ? "" : s);
  }
}
