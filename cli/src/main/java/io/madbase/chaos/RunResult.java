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
      List<LoadSecond> seconds) {}

  /** One second of the load, {@code atSeconds} after the fault (its start). */
  public record LoadSecond(
      double atSeconds, long completed, long ok, long errors, double p99Ms, double maxMs) {}

  /** An event for the report, seconds since the run started. */
  public record TimedEvent(
      double atSeconds, String source, String kind, String subject, String detail) {}
}
