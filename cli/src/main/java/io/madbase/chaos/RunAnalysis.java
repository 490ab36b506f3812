package io.madbase.chaos;

import io.madbase.common.Durations;
import io.madbase.stack.FailoverTiming;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Turns what a run observed into its result: phases, probe summaries, anomalies, SLO verdicts. */
final class RunAnalysis {
  private RunAnalysis() {}

  /** The run's result: its timeline, probe summaries, anomalies and SLO verdicts. */
  static RunResult analyze(RunRecord run) {
    io.madbase.stack.StackSpec spec = run.spec();
    PhaseTimeline timeline = PhaseTimeline.of(run);
    List<RunResult.ProbeSummary> probes = ProbeSummaries.of(run);
    List<RunResult.Anomaly> anomalies = Anomalies.of(run);
    RunResult.LoadRun load =
        run.loadResult() == null
            ? null
            : loadRun(
                run.loadPlan(),
                run.loadResult(),
                run.clock(),
                run.origin(),
                timeline.recovered() && timeline.recoveredAt() != Long.MIN_VALUE
                    ? RunClock.seconds(timeline.recoveredAt() - run.origin())
                    : null);
    List<RunResult.SloResult> slos = SloVerdicts.of(run, timeline, probes, anomalies, load);
    boolean passed = slos.stream().allMatch(RunResult.SloResult::passed);

    FailoverTiming t = spec.timing();
    Map<String, Object> timing = new LinkedHashMap<>();
    timing.put(
        "patroni",
        Map.of(
            "ttl",
            t.patroni().ttl(),
            "loop_wait",
            t.patroni().loopWait(),
            "retry_timeout",
            t.patroni().retryTimeout()));
    timing.put(
        "haproxy",
        "inter "
            + Durations.format(t.haproxy().inter())
            + " fastinter "
            + Durations.format(t.haproxy().fastinter())
            + " downinter "
            + Durations.format(t.haproxy().downinter())
            + " fall "
            + t.haproxy().fall()
            + " rise "
            + t.haproxy().rise());
    timing.put("sentinel_down_after", Durations.format(t.sentinel().downAfter()));
    timing.put("gateway_hold_deadline", Durations.format(spec.gateway().holdDeadline()));
    timing.put("worker_discovery_interval", Durations.format(spec.workers().discoveryInterval()));

    List<String> allNotes = new ArrayList<>(run.notes());
    for (RunRecord.FaultPhases fp : run.faults()) {
      Expectations.writesAtRisk(fp.fault(), spec)
          .ifPresent(
              r ->
                  allNotes.add(
                      "acknowledged writes at risk in "
                          + fp.fault().action().id()
                          + " (predicted from the settings in force): "
                          + r));
    }
    io.madbase.stack.DataSafety safety = io.madbase.stack.DataSafety.of(spec);
    run.ledger().forEach(l -> lostInTheReplicationWindow(l, safety).ifPresent(allNotes::add));
    if (!timeline.recovered()) {
      noPromotableReplica(run.events()).ifPresent(allNotes::add);
    }
    List<RunResult.TimedEvent> timed =
        run.events().all().stream()
            .map(
                e ->
                    new RunResult.TimedEvent(
                        RunClock.seconds(e.nanos()), e.source(), e.kind(), e.subject(), e.detail()))
            .toList();
    return new RunResult(
        run.scenario().name(),
        run.scenario().description(),
        run.source(),
        run.runId(),
        run.clock().wallOrigin(),
        new RunResult.Stack(
            spec.name(),
            run.driver().name(),
            spec.failover().profile(),
            summary(spec),
            timing,
            io.madbase.stack.DataSafety.of(spec)),
        timeline.faults(),
        timeline.phases(),
        timeline.recovered(),
        timeline.recovery(),
        probes,
        run.ledger(),
        anomalies,
        slos,
        passed,
        timed,
        allNotes,
        RunClock.seconds(run.clock().now()),
        run.ops().all().stream().sorted(Comparator.comparingLong(Op::intendedNanos)).toList(),
        load);
  }

  /**
   * Why a run whose leader failed did not recover, when the Patroni watcher saw the reason: every
   * replica too far behind to be promoted.
   */
  static Optional<String> noPromotableReplica(EventLog events) {
    return events.all().stream()
        .filter(e -> e.kind().equals(Event.NO_PROMOTABLE_REPLICA))
        .findFirst()
        .map(
            e ->
                "no failover: "
                    + e.detail()
                    + ". Patroni leaves the cluster without a primary rather than lose the writes"
                    + " the replicas lack, until one of them catches up or the old leader comes"
                    + " back; a larger postgres.maximum_lag_on_failover trades those writes for a"
                    + " failover");
  }

  /**
   * An acknowledged write lost within this of the fault (before it, or just after: the answer of a
   * commit made before the kill landed may arrive a little later) is one the node that failed had
   * and the node that took over never received.
   */
  static final double REPLICATION_WINDOW_BEFORE = 1.0;

  static final double REPLICATION_WINDOW_AFTER = 0.5;

  /**
   * A note when every lost write of {@code l} was acknowledged around the moment of the fault: that
   * is asynchronous replication's window (Patroni's default, and Redis's), not a failover bug.
   */
  static Optional<String> lostInTheReplicationWindow(
      RunResult.LedgerCheck l, io.madbase.stack.DataSafety safety) {
    boolean postgres = !l.probe().equals("redis_writer");
    if (postgres && safety.synchronousMode().synchronous() && l.lost() > 0) {
      return Optional.of(
          l.probe()
              + ": "
              + l.lost()
              + " acknowledged write"
              + (l.lost() == 1 ? "" : "s")
              + " lost with synchronous_mode "
              + safety.synchronousMode()
              + ": every acknowledged commit should have been on the synchronous standby, so this"
              + " is not replication's window");
    }
    return lostInTheReplicationWindow(l);
  }

  static Optional<String> lostInTheReplicationWindow(RunResult.LedgerCheck l) {
    List<Double> at = l.lostAckedAtSeconds();
    if (l.lost() == 0
        || at.size() != l.lost()
        || !at.stream()
            .allMatch(a -> a >= -REPLICATION_WINDOW_BEFORE && a <= REPLICATION_WINDOW_AFTER)) {
      return Optional.empty();
    }
    double furthest = at.stream().mapToDouble(Math::abs).max().orElse(0);
    return Optional.of(
        String.format(
            Locale.ROOT,
            "%s: the %d lost write%s %s acknowledged within %.0f ms of the fault and never reached"
                + " the node that took over. Replication is asynchronous (Patroni's default, and"
                + " Redis's): a crash loses what was acknowledged but not yet streamed. Patroni's"
                + " synchronous_mode closes that window for PostgreSQL, at a round trip per commit",
            l.probe(),
            l.lost(),
            l.lost() == 1 ? "" : "s",
            l.lost() == 1 ? "was" : "were",
            Math.max(1, Math.ceil(furthest * 1000))));
  }

  /**
   * The --load run seen from the fault: steady p99 before it, the worst second after it, the reads
   * from it to {@code recovery} (seconds after it; null: not recovered).
   */
  static RunResult.LoadRun loadRun(
      LoadPlan plan,
      io.madbase.load.LoadResult r,
      RunClock clock,
      long faultNanos,
      Double recovery) {
    List<RunResult.LoadSecond> seconds = new ArrayList<>();
    List<Double> before = new ArrayList<>();
    double worst = 0;
    double worstAt = 0;
    long errorsAfter = 0;
    for (io.madbase.load.LoadResult.Second s : r.seconds()) {
      double at = RunClock.seconds(clock.fromSystemNanos(s.startNanos()) - faultNanos);
      io.madbase.load.LoadResult.Reads reads =
          s.reads() == null ? io.madbase.load.LoadResult.Reads.NONE : s.reads();
      seconds.add(
          new RunResult.LoadSecond(
              at,
              s.completed(),
              s.ok(),
              s.errors(),
              s.p99(),
              s.max(),
              reads.offered(),
              reads.ok(),
              reads.p99()));
      if (at + 1 <= 0) {
        if (s.completed() > 0) {
          before.add(s.p99());
        }
      } else {
        errorsAfter += s.errors();
        if (s.p99() > worst) {
          worst = s.p99();
          worstAt = at;
        }
      }
    }
    List<Double> sorted = before.stream().sorted().toList();
    double steady = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    return new RunResult.LoadRun(
        plan.workload().describe(),
        plan.rate(),
        plan.connections(),
        r.counts(),
        r.latency(),
        r.errorsByKind(),
        r.errorSamples(),
        r.connections(),
        steady,
        worst,
        worstAt,
        errorsAfter,
        seconds,
        ReadsDuringFailover.window(seconds, recovery));
  }

  /**
   * "Patroni ttl 10 / loop_wait 2 / retry_timeout 4; HAProxy inter 1s ...": the settings in force.
   */
  static String summary(io.madbase.stack.StackSpec spec) {
    FailoverTiming t = spec.timing();
    return String.format(
        Locale.ROOT,
        "Patroni ttl %d / loop_wait %d / retry_timeout %d; HAProxy inter %s fastinter %s downinter %s fall %d rise %d; Sentinel down-after %s; gateway hold %s; %s",
        t.patroni().ttl(),
        t.patroni().loopWait(),
        t.patroni().retryTimeout(),
        Durations.format(t.haproxy().inter()),
        Durations.format(t.haproxy().fastinter()),
        Durations.format(t.haproxy().downinter()),
        t.haproxy().fall(),
        t.haproxy().rise(),
        Durations.format(t.sentinel().downAfter()),
        Durations.format(spec.gateway().holdDeadline()),
        io.madbase.stack.DataSafety.of(spec).describe());
  }
}
