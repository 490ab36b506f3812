package io.madbase.chaos;

import io.madbase.driver.StackLifecycle;
import io.madbase.load.LoadResult;
import io.madbase.stack.StackSpec;
import java.util.List;

/**
 * Everything a chaos run observed, handed to {@link RunAnalysis} in one piece once the run is over.
 *
 * @param scenario what ran
 * @param source where the scenario came from (a bundled name or a file)
 * @param runId the run's id, also in the report's folder name
 * @param driver the stack it ran on
 * @param spec the stack's settings, with the timing Patroni runs with
 * @param clock the run's clock: every nanos value below is on it
 * @param events what the watchers saw
 * @param ops every probe operation
 * @param faults each fault and the phases it was expected to lead to
 * @param ledger the acknowledged writes checked against the database and Redis
 * @param notes remarks made while it ran
 * @param loadPlan the --load plan (null without --load)
 * @param loadResult what the --load run did (null without --load)
 */
record RunRecord(
    ScenarioSpec scenario,
    String source,
    String runId,
    StackLifecycle driver,
    StackSpec spec,
    RunClock clock,
    EventLog events,
    OpLog ops,
    List<RunRecord.FaultPhases> faults,
    List<RunResult.LedgerCheck> ledger,
    List<String> notes,
    LoadPlan loadPlan,
    LoadResult loadResult) {

  /**
   * A fault and the phases it was expected to lead to.
   *
   * @param logAfter for a signalled process: what it logged after the signal
   */
  record FaultPhases(Expectations.Fault fault, List<PhaseSpec> phases, List<String> logAfter) {}

  /** When the first fault was injected (nanos on the run's clock); MAX_VALUE when none was. */
  long firstFault() {
    return faults.stream().mapToLong(f -> f.fault().nanos()).min().orElse(Long.MAX_VALUE);
  }

  /** The origin of the timeline: the first fault, or the start of the run when there was none. */
  long origin() {
    long first = firstFault();
    return first == Long.MAX_VALUE ? 0 : first;
  }
}
