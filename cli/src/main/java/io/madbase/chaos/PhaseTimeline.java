package io.madbase.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Each fault's expected phases matched against what was observed: when each happened (seconds after
 * its fault), in the order they happened, with what the probes went through since the phase before;
 * and whether (and when) the stack recovered.
 *
 * @param faults the faults as injected
 * @param phases every fault's phases, observed ones in order, then the ones never seen
 * @param recovered whether every required phase of every fault was observed
 * @param recovery seconds from a fault to its last required phase, the longest over the faults
 *     (null when not recovered)
 * @param recoveredAt when the last required phase of any fault was seen (nanos; MIN_VALUE: never)
 */
record PhaseTimeline(
    List<RunResult.FaultRecord> faults,
    List<RunResult.PhaseResult> phases,
    boolean recovered,
    Double recovery,
    long recoveredAt) {

  static PhaseTimeline of(RunRecord run) {
    List<RunResult.FaultRecord> faultRecords = new ArrayList<>();
    List<RunResult.PhaseResult> phases = new ArrayList<>();
    boolean recovered = !run.faults().isEmpty();
    Double recovery = null;
    // the end of the window the load's reads are judged in, for a method of several faults too
    long recoveredAt = Long.MIN_VALUE;
    for (RunRecord.FaultPhases fp : run.faults()) {
      Expectations.Fault f = fp.fault();
      String detail =
          run.events()
              .first(f.nanos(), e -> e.kind().equals(Event.FAULT))
              .map(Event::detail)
              .orElse("");
      faultRecords.add(
          new RunResult.FaultRecord(
              f.action().id(), f.target(), RunClock.seconds(f.nanos()), detail));
      phases.add(
          new RunResult.PhaseResult(
              "fault_injected",
              "fault injected: " + f.action().id() + " " + f.target(),
              "madbase",
              true,
              0.0,
              new Bound(0, 0, "the origin of the timeline"),
              true,
              0,
              0,
              0,
              Map.of()));
      Observed o = new Observed(run.events(), run.ops(), f.nanos());
      List<Long> times = new ArrayList<>();
      List<PhaseSpec> found = new ArrayList<>();
      List<PhaseSpec> missing = new ArrayList<>();
      for (PhaseSpec ps : fp.phases()) {
        Optional<Long> at = ps.find().apply(o);
        if (at.isPresent()) {
          times.add(at.get());
          found.add(ps);
        } else {
          missing.add(ps);
          if (ps.required()) {
            recovered = false;
          }
        }
      }
      // phases in the order they happened; each carries what the probes went through since the
      // previous one
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < found.size(); i++) {
        order.add(i);
      }
      order.sort(Comparator.comparingLong(times::get));
      long prev = f.nanos();
      double last = 0;
      for (int i : order) {
        PhaseSpec ps = found.get(i);
        long at = times.get(i);
        Window w = Window.of(run.ops(), prev, at);
        double s = RunClock.seconds(at - f.nanos());
        phases.add(
            new RunResult.PhaseResult(
                ps.id(),
                ps.label(),
                ps.source(),
                ps.required(),
                s,
                ps.predicted(),
                ps.predicted().contains(s),
                w.failed(),
                w.unknown(),
                w.held(),
                w.kinds()));
        prev = Math.max(prev, at);
        if (ps.required()) {
          last = Math.max(last, s);
        }
      }
      for (PhaseSpec ps : missing) {
        phases.add(
            new RunResult.PhaseResult(
                ps.id(),
                ps.label(),
                ps.source(),
                ps.required(),
                null,
                ps.predicted(),
                null,
                0,
                0,
                0,
                Map.of()));
      }
      if (recovered) {
        recovery = Math.max(recovery == null ? 0 : recovery, last);
        recoveredAt = Math.max(recoveredAt, f.nanos() + (long) (last * 1e9));
      }
    }
    return new PhaseTimeline(
        faultRecords, phases, recovered, recovered ? recovery : null, recoveredAt);
  }

  /** The labels of the required phases never observed. */
  List<String> missingRequired() {
    return phases.stream()
        .filter(p -> p.required() && p.atSeconds() == null)
        .map(RunResult.PhaseResult::label)
        .toList();
  }

  /** When phase {@code id} was observed (seconds after its fault), if it was. */
  Optional<Double> at(String id) {
    return phases.stream()
        .filter(p -> p.id().equals(id) && p.atSeconds() != null)
        .map(RunResult.PhaseResult::atSeconds)
        .findFirst();
  }

  /** What the probes went through between two phases: failures by kind, and held requests. */
  private record Window(int failed, int unknown, int held, Map<String, Integer> kinds) {
    static Window of(OpLog ops, long from, long to) {
      int failed = 0;
      int unknown = 0;
      int held = 0;
      Map<String, Integer> kinds = new TreeMap<>();
      for (Op o : ops.all()) {
        if (o.endNanos() <= from || o.endNanos() > to) {
          continue;
        }
        switch (o.outcome()) {
          case OK -> held += o.retries() > 0 ? 1 : 0;
          case UNKNOWN -> {
            unknown++;
            kinds.merge(o.probe() + ":" + o.errorKind(), 1, Integer::sum);
          }
          default -> {
            failed++;
            kinds.merge(o.probe() + ":" + o.errorKind(), 1, Integer::sum);
          }
        }
      }
      return new Window(failed, unknown, held, kinds);
    }
  }
}
