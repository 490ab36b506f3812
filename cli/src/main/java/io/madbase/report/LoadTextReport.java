package io.madbase.report;

import io.madbase.common.Durations;
import io.madbase.load.LoadReport;
import io.madbase.load.LoadResult;
import io.madbase.load.PoolLeakCheck;
import io.madbase.load.ProcessWatch;
import java.util.Locale;
import java.util.stream.Collectors;

/** The text form of a load test's report: one line per figure, thresholds last. */
public final class LoadTextReport {
  private LoadTextReport() {}

  public static String render(LoadReport report) {
    LoadResult r = report.result();
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "madbase loadtest: %s, %s%n", r.target(), r.workload()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s %s/s for %s over %d connections (warmup %s, not counted)%s%n",
            "asked",
            num(r.requestedRate()),
            r.duration() == null ? "as long as it ran" : Durations.format(r.duration()),
            r.connections().requested(),
            Durations.format(r.warmup()),
            r.stoppedEarly() ? "; stopped early" : ""));
    LoadResult.Connections c = r.connections();
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s requested %d, established %d (kernel: %s of this process's sockets; server side: %s), at least %d open throughout, %d opened in all%n",
            "connections",
            c.requested(),
            c.established(),
            opt(c.kernelEstablished()),
            opt(c.serverSide()),
            c.minOpen(),
            c.openedTotal()));
    if (!c.held()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-13s *** FEWER CONNECTIONS THAN THE %d REQUESTED: %s%s ***%n",
              "WARNING",
              c.requested(),
              shortfall(c),
              c.firstFailure() == null ? "" : " (" + c.firstFailure() + ")"));
    }
    LoadResult.Counts n = r.counts();
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s %d scheduled, %d sent, %d ok, %d errors (%s), %d late (sent > %s after their intended time), %d not sent%n",
            "requests",
            n.scheduled(),
            n.sent(),
            n.ok(),
            n.errors(),
            LoadReport.pct(n.errorRate()),
            n.late(),
            Durations.format(r.lateAfter()),
            n.notSent()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s %.1f/s (%.1f%% of %s/s asked), ok %.1f/s, over %.1f s%n",
            "throughput",
            r.throughput().requestsPerSecond(),
            r.throughput().ofRequested() * 100,
            num(r.requestedRate()),
            r.throughput().okPerSecond(),
            r.measuredSeconds()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s %s   (from each request's intended send time; %d requests)%n",
            "latency",
            pcts(r.latency()),
            r.latency().count()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s %s   (intended send time to going out on a connection)%n",
            "send lag",
            pcts(r.sendLag())));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s %s%n",
            "errors",
            r.errorsByKind().isEmpty()
                ? "none"
                : r.errorsByKind().entrySet().stream()
                    .map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", "))));
    Fmt.errorSamples(r.errorSamples())
        .forEach(line -> sb.append(String.format(Locale.ROOT, "  %-13s %s%n", "", line)));
    ProcessWatch.Result g = report.gateway();
    if (g != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-13s pid %d: RSS %.0f MiB before, %.0f peak, %.0f after; threads %d before, %d peak, %d after; CPU %.1f s%n",
              "gateway",
              g.pid(),
              g.rssBeforeMib(),
              g.rssPeakMib(),
              g.rssAfterMib(),
              g.threadsBefore(),
              g.threadsPeak(),
              g.threadsAfter(),
              g.cpuSeconds()));
    }
    PoolLeakCheck.Result p = report.poolLeaks();
    if (p != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-13s gateway sessions in pg_stat_activity: %d before, %d peak, %d at the run's end, %d after %.1f s (pools' maximum %d)%s%n",
              "pool leaks",
              p.baseline(),
              p.peak(),
              p.atRunEnd(),
              p.after(),
              p.settleSeconds(),
              p.ceiling(),
              p.unreachable().isEmpty()
                  ? ""
                  : "; not always answering: " + String.join(", ", p.unreachable())));
      sb.append(String.format(Locale.ROOT, "  %-13s %s%n", "", p.verdict()));
    }
    if (!report.checks().isEmpty()) {
      boolean first = true;
      for (LoadReport.Check ch : report.checks()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "  %-13s %s %s: %s (limit %s)%n",
                first ? "thresholds" : "",
                ch.passed() ? "PASS" : "FAIL",
                ch.name(),
                ch.measured(),
                ch.limit()));
        first = false;
      }
    }
    long failed = report.checks().stream().filter(ch -> !ch.passed()).count();
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-13s %s%n",
            "result",
            report.checks().isEmpty()
                ? "measured (no thresholds given)"
                : report.passed()
                    ? "PASS (all " + report.checks().size() + " thresholds met)"
                    : "FAIL (" + failed + " of " + report.checks().size() + " thresholds missed)"));
    return sb.toString();
  }

  static String pcts(LoadResult.Latency l) {
    return String.format(
        Locale.ROOT,
        "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
        LoadReport.ms(l.p50()),
        LoadReport.ms(l.p90()),
        LoadReport.ms(l.p99()),
        LoadReport.ms(l.p999()),
        LoadReport.ms(l.max()));
  }

  /** Which count fell short. */
  static String shortfall(LoadResult.Connections c) {
    java.util.List<String> s = new java.util.ArrayList<>();
    if (c.established() < c.requested()) {
      s.add("the client opened " + c.established());
    }
    if (c.kernelEstablished() != null && c.kernelEstablished() < c.requested()) {
      s.add("the kernel shows " + c.kernelEstablished() + " of this process's sockets");
    }
    if (c.serverSide() != null && c.serverSide() < c.requested()) {
      s.add("the server side has " + c.serverSide() + " established");
    }
    if (c.minOpen() < c.requested()) {
      s.add("only " + c.minOpen() + " stayed open throughout");
    }
    return String.join("; ", s);
  }

  private static String opt(Integer i) {
    return i == null ? "n/a" : i.toString();
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
  }
}
