package io.madbase.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run with what was checked beside it and the verdict on each threshold: what {@code madbase
 * loadtest} prints, as text, JSON or JUnit XML.
 *
 * @param result what the generator measured
 * @param poolLeaks the pool-leak check, when asked for
 * @param gateway the gateway process's memory, threads and CPU, when it runs on this machine
 * @param checks one per threshold, in the order given
 * @param passed every check passed
 */
public record LoadReport(
    LoadResult result,
    PoolLeakCheck.Result poolLeaks,
    ProcessWatch.Result gateway,
    List<Check> checks,
    boolean passed) {

  /** One threshold: its name, the limit, what was measured, and whether it held. */
  public record Check(String name, String limit, String measured, boolean passed) {}

  /**
   * The thresholds of a run; a null or false one is not checked.
   *
   * @param p99 the 99th percentile latency must be at most this
   * @param maxErrorRate errors / scheduled requests must be at most this (0 to 1)
   * @param requireConnections every requested connection must be established and held
   * @param poolLeaks the pool-leak check must find no leak
   */
  public record Thresholds(
      Duration p99, Double maxErrorRate, boolean requireConnections, boolean poolLeaks) {}

  public static LoadReport of(
      LoadResult r, PoolLeakCheck.Result leaks, ProcessWatch.Result gateway, Thresholds t) {
    List<Check> checks = new ArrayList<>();
    if (t.requireConnections()) {
      LoadResult.Connections c = r.connections();
      checks.add(
          new Check(
              "connections",
              "all " + c.requested() + " established and held",
              c.established()
                  + " established (kernel "
                  + str(c.kernelEstablished())
                  + ", server side "
                  + str(c.serverSide())
                  + "), at least "
                  + c.minOpen()
                  + " open throughout",
              c.held()));
    }
    if (t.p99() != null) {
      double limit = t.p99().toNanos() / 1e6;
      checks.add(
          new Check(
              "p99",
              "<= " + ms(limit),
              ms(r.latency().p99()),
              r.latency().count() > 0 && r.latency().p99() <= limit));
    }
    if (t.maxErrorRate() != null) {
      double rate = r.counts().errorRate();
      checks.add(
          new Check(
              "error_rate",
              "<= " + pct(t.maxErrorRate()),
              pct(rate) + " (" + r.counts().errors() + " of " + r.counts().scheduled() + ")",
              r.counts().scheduled() > 0 && rate <= t.maxErrorRate()));
    }
    if (t.poolLeaks()) {
      checks.add(
          new Check(
              "pool_leaks",
              "none",
              leaks == null ? "not checked" : leaks.verdict(),
              leaks != null && !leaks.leak()));
    }
    return new LoadReport(
        r, leaks, gateway, List.copyOf(checks), checks.stream().allMatch(Check::passed));
  }

  private static String str(Integer i) {
    return i == null ? "n/a" : i.toString();
  }

  /** {@code 3.42 ms}, {@code 1.20 s}. */
  public static String ms(double millis) {
    return millis >= 1000
        ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
        : String.format(Locale.ROOT, "%.2f ms", millis);
  }

  /** {@code 0.00%}. */
  public static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
  }
}
