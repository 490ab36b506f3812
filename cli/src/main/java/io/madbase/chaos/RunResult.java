package io.madbase.chaos;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one scenario run observed and concluded: the source of every report. Times are
 * seconds; phase times count from the fault, other times from the start of the run. {@code
 * operations} is every probe operation, in nanoseconds on the run's monotonic clock.
 */
public record RunResult(
    String scenario,
    String description,
    String source,
    String runId,
    Instant startedAt,
    Stack stack,
    List<FaultRecord> faults,
    List<PhaseResult> phases,
    boolean recovered,
    Double recoverySeconds,
    List<ProbeSummary> probes,
    List<LedgerCheck> ledger,
    List<Anomaly> anomalies,
    List<SloResult> slos,
    boolean passed,
    List<TimedEvent> events,
    List<String> notes,
    double durationSeconds,
    List<Op> operations,
    LoadRun load) {

  /** The stack the run was made against, with the settings the predictions come from. */
  /**
   * The stack a run ran on.
   *
   * @param dataSafety the data-safety settings in force (read back from the running stack)
   */
  public record Stack(
      String name,
      String driver,
      String profile,
      String summary,
      Map<String, Object> timing,
      io.madbase.stack.DataSafety dataSafety) {}

  /** A fault as injected: what, on which member, when (seconds since the run started). */
  public record FaultRecord(String action, String target, double atSeconds, String detail) {}

  /**
   * One phase: when it was observed (seconds after the fault; null when it was not), what the
   * settings predicted, and what the probes went through between the previous phase and this one.
   */
  public record PhaseResult(
      String id,
      String label,
      String source,
      boolean required,
      Double atSeconds,
      Bound predicted,
      Boolean withinPrediction,
      int failed,
      int unknown,
      int held,
      Map<String, Integer> errorsByKind) {}

  /**
   * What one probe saw over the whole run.
   *
   * @param held requests the gateway held and retried (X-Gateway-Retries > 0) that then succeeded
   * @param unavailabilitySeconds the longest time between two successful operations
   */
  public record ProbeSummary(
      String probe,
      int total,
      int ok,
      int failed,
      int unknown,
      int notSent,
      int held,
      Map<String, Integer> errorsByKind,
      double p50Ms,
      double p99Ms,
      double maxMs,
      double unavailabilitySeconds) {
    /** Operations that did not succeed: failed, of unknown outcome, or never sent. */
    public int unsuccessful() {
      return failed + unknown + notSent;
    }
  }

  /**
   * The acknowledged-write check of one writer probe after recovery.
   *
   * @param lostSeqs the first lost sequence numbers, to look up
   * @param lostAckedAtSeconds when each of them was acknowledged, in seconds after the first fault
   *     (negative: before it); empty without a fault
   * @param unknownPresent writes of unknown outcome that turned out to be applied
   */
  public record LedgerCheck(
      String probe,
      String where,
      int acknowledged,
      int present,
      int lost,
      List<Long> lostSeqs,
      List<Double> lostAckedAtSeconds,
      int unknown,
      int unknownPresent) {}

  /** A split brain or stale route, observed live; seconds after the first fault. */
  public record Anomaly(String kind, double atSeconds, String detail) {}

  /** One SLO: its limit, what was measured, and whether it held. */
  public record SloResult(String name, String limit, String measured, boolean passed) {}

  /**
   * The load that ran beside the scenario ({@code --load}), null without one.
   *
   * @param errorSamples the first error of each kind as it came (see LoadResult)
   * @param steadyP99Ms the median of the per-second p99s before the fault
   * @param worstP99Ms the worst per-second p99 from the fault on, and when ({@code worstAtSeconds}
   *     after the fault)
   * @param errorsAfterFault requests that failed from the fault on
   * @param seconds per-second buckets, {@code atSeconds} after the fault
   * @param reads the reads from the fault to recovery, second by second (null: the load had none)
   */
  public record LoadRun(
      String workload,
      double rate,
      int connections,
      io.madbase.load.LoadResult.Counts counts,
      io.madbase.load.LoadResult.Latency latency,
      java.util.Map<String, Long> errorsByKind,
      java.util.Map<String, String> errorSamples,
      io.madbase.load.LoadResult.Connections connectionsHeld,
      double steadyP99Ms,
      double worstP99Ms,
      double worstAtSeconds,
      long errorsAfterFault,
      List<LoadSecond> seconds,
      ReadsWindow reads) {}

  /**
   * One second of the load, {@code atSeconds} after the fault (its start); its reads on their own:
   * offered (intended send time in the second), ok (ended ok in it) and their p99.
   */
  public record LoadSecond(
      double atSeconds,
      long completed,
      long ok,
      long errors,
      double p99Ms,
      double maxMs,
      long readsOffered,
      long readsOk,
      double readsP99Ms) {
    /** Reads that ended ok in the second over reads offered in it; 1 when none were offered. */
    public double readsCompleted() {
      return readsOffered == 0 ? 1 : (double) readsOk / readsOffered;
    }
  }

  /**
   * The load's reads from the fault to recovery (to the end of the run when it did not recover),
   * judged second by second: a failover may hold writes, reads should keep flowing (issue 12).
   *
   * @param fromSeconds the first second's start, after the fault (at most 0: it holds the fault)
   * @param toSeconds recovery, or the end of the run
   * @param recovered whether {@code toSeconds} is the recovery
   * @param seconds how many seconds the window has
   * @param offered reads offered in them
   * @param ok reads that ended ok in them
   * @param worstP99Ms the highest per-second p99 of reads, and when
   * @param lowestCompleted the lowest per-second share of offered reads that ended ok, and when
   */
  public record ReadsWindow(
      double fromSeconds,
      double toSeconds,
      boolean recovered,
      int seconds,
      long offered,
      long ok,
      double worstP99Ms,
      double worstP99AtSeconds,
      double lowestCompleted,
      double lowestCompletedAtSeconds) {}

  /** An event for the report, seconds since the run started. */
  public record TimedEvent(
      double atSeconds, String source, String kind, String subject, String detail) {}
}
