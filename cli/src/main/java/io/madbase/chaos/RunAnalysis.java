package io.madbase.chaos;

import io.madbase.common.Durations;
import io.madbase.driver.StackLifecycle;
import io.madbase.stack.FailoverTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** Turns what a run observed into its result: phases, probe summaries, anomalies, SLO verdicts. */
final class RunAnalysis {
  private RunAnalysis() {}

  /**
   * A fault and the phases it was expected to lead to.
   *
   * @param logAfter for a signalled process: what it logged after the signal
   */
  record FaultPhases(Expectations.Fault fault, List<PhaseSpec> phases, List<String> logAfter) {}

  static RunResult analyze(
      ScenarioSpec scenario,
      String source,
      String runId,
      StackLifecycle driver,
      io.madbase.stack.StackSpec spec,
      RunClock clock,
      EventLog events,
      OpLog ops,
      List<FaultPhases> faults,
      List<RunResult.LedgerCheck> ledger,
      List<String> notes,
      LoadPlan loadPlan,
      io.madbase.load.LoadResult loadResult) {
    List<RunResult.FaultRecord> faultRecords = new ArrayList<>();
    List<RunResult.PhaseResult> phases = new ArrayList<>();
    boolean recovered = true;
    Double recovery = null;
    // when the last expected phase of any fault was seen (nanoTime): the end of the window the
    // load's reads are judged in, for a method of several faults too
    long recoveredAt = Long.MIN_VALUE;
    for (FaultPhases fp : faults) {
      Expectations.Fault f = fp.fault();
      String detail =
          events.first(f.nanos(), e -> e.kind().equals(Event.FAULT)).map(Event::detail).orElse("");
      faultRecords.add(
          new RunResult.FaultRecord(
              f.action().id(), f.target(), RunClock.seconds(f.nanos()), detail));
      Observed o = new Observed(events, ops, f.nanos());
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
        Window w = window(ops, prev, at);
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
                w.failed,
                w.unknown,
                w.held,
                w.kinds));
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
    if (faults.isEmpty()) {
      recovered = false;
    }

    List<RunResult.ProbeSummary> probes = new ArrayList<>();
    for (String name : ScenarioRunner.probeNameList(scenario)) {
      probes.add(summary(name, ops.of(name)));
    }
    long firstFault =
        faults.stream().mapToLong(f -> f.fault().nanos()).min().orElse(Long.MAX_VALUE);
    long origin = firstFault == Long.MAX_VALUE ? 0 : firstFault;
    List<RunResult.Anomaly> anomalies = new ArrayList<>(anomalies(events, firstFault));
    anomalies.addAll(ReplicaRoutes.stale(ops.of("replica_reader"), driver.topology(), origin));
    RunResult.LoadRun load =
        loadResult == null
            ? null
            : loadRun(
                loadPlan,
                loadResult,
                clock,
                origin,
                recovered && recoveredAt != Long.MIN_VALUE
                    ? RunClock.seconds(recoveredAt - origin)
                    : null);
    List<RunResult.SloResult> slos =
        slos(
            scenario,
            driver,
            events,
            ops,
            faults,
            phases,
            probes,
            ledger,
            anomalies,
            recovered,
            recovery,
            firstFault,
            load);
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

    List<String> allNotes = new ArrayList<>(notes);
    for (FaultPhases fp : faults) {
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
    ledger.forEach(l -> lostInTheReplicationWindow(l, safety).ifPresent(allNotes::add));
    List<RunResult.TimedEvent> timed =
        events.all().stream()
            .map(
                e ->
                    new RunResult.TimedEvent(
                        RunClock.seconds(e.nanos()), e.source(), e.kind(), e.subject(), e.detail()))
            .toList();
    return new RunResult(
        scenario.name(),
        scenario.description(),
        source,
        runId,
        clock.wallOrigin(),
        new RunResult.Stack(
            spec.name(),
            driver.name(),
            spec.failover().profile(),
            summary(spec),
            timing,
            io.madbase.stack.DataSafety.of(spec)),
        faultRecords,
        phases,
        recovered,
        recovered ? recovery : null,
        probes,
        ledger,
        anomalies,
        slos,
        passed,
        timed,
        allNotes,
        RunClock.seconds(clock.now()),
        ops.all().stream().sorted(Comparator.comparingLong(Op::intendedNanos)).toList(),
        load);
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

  private record Window(int failed, int unknown, int held, Map<String, Integer> kinds) {}

  /** What the probes went through between two phases: failures by kind, and held requests. */
  private static Window window(OpLog ops, long from, long to) {
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

  static RunResult.ProbeSummary summary(String name, List<Op> ops) {
    Histogram h = new Histogram(Duration.ofMinutes(5).toNanos(), 3);
    int ok = 0;
    int failed = 0;
    int unknown = 0;
    int notSent = 0;
    int held = 0;
    Map<String, Integer> kinds = new TreeMap<>();
    long lastOk = -1;
    long maxGap = 0;
    for (Op o : ops) {
      switch (o.outcome()) {
        case OK -> {
          ok++;
          h.recordValue(Math.max(0, Math.min(o.latencyNanos(), h.getHighestTrackableValue())));
          if (o.retries() > 0) {
            held++;
          }
          if (lastOk >= 0) {
            maxGap = Math.max(maxGap, o.endNanos() - lastOk);
          }
          lastOk = o.endNanos();
        }
        case FAILED -> {
          failed++;
          kinds.merge(o.errorKind(), 1, Integer::sum);
        }
        case UNKNOWN -> {
          unknown++;
          kinds.merge(o.errorKind() + " (outcome unknown)", 1, Integer::sum);
        }
        case NOT_SENT -> {
          notSent++;
          kinds.merge("not_sent", 1, Integer::sum);
        }
      }
    }
    return new RunResult.ProbeSummary(
        name,
        ops.size(),
        ok,
        failed,
        unknown,
        notSent,
        held,
        kinds,
        ok == 0 ? 0 : h.getValueAtPercentile(50) / 1e6,
        ok == 0 ? 0 : h.getValueAtPercentile(99) / 1e6,
        ok == 0 ? 0 : h.getMaxValue() / 1e6,
        maxGap / 1e9);
  }

  /**
   * Split brain (two running primaries at once, straight from Patroni) and stale routes: HAProxy
   * sending primary traffic to a node Patroni reports as a replica while another node is the
   * running primary (a demoted node still accepting connections). A route to a node that no longer
   * answers is not counted: connections to it fail, they cannot write in the wrong place. A stale
   * route shorter than {@link #STALE_ROUTE_MIN} is within the skew between the HAProxy and Patroni
   * watchers' polls, and is not counted either. Times are seconds after the first fault.
   */
  static List<RunResult.Anomaly> anomalies(EventLog events, long firstFault) {
    List<RunResult.Anomaly> out = new ArrayList<>();
    RouteState routes = new RouteState();
    Long staleSince = null;
    String staleNode = null;
    long origin = firstFault == Long.MAX_VALUE ? 0 : firstFault;
    for (Event e : events.all()) {
      if (e.kind().equals(Event.LEADER_KEY_SET) && e.detail().startsWith(Event.OVERWRITTEN_FROM)) {
        String previous = e.detail().substring(Event.OVERWRITTEN_FROM.length());
        out.add(
            new RunResult.Anomaly(
                "leader_key_overwritten",
                RunClock.seconds(e.nanos() - origin),
                e.subject()
                    + " wrote the leader key over "
                    + previous
                    + "'s, with no expiry or release in between: two nodes held leadership, "
                    + previous
                    + " is demoted and what it committed as primary is discarded when it follows "
                    + e.subject()
                    + " (Patroni before 3.0.3 does this after a pause longer than ttl: patroni PR #2689)"));
        continue;
      }
      if (e.kind().equals(Event.SPLIT_BRAIN)) {
        Optional<Event> end =
            events.first(e.nanos() + 1, x -> x.kind().equals(Event.SPLIT_BRAIN_END));
        out.add(
            new RunResult.Anomaly(
                "split_brain",
                RunClock.seconds(e.nanos() - origin),
                e.subject()
                    + ": "
                    + e.detail()
                    + end.map(
                            x ->
                                String.format(
                                    Locale.ROOT,
                                    " for %.2f s (as the watcher polls: every 50 ms)",
                                    RunClock.seconds(x.nanos() - e.nanos())))
                        .orElse(" until the end of the run")));
        continue;
      }
      if (!e.kind().equals(Event.PATRONI_ROLE) && !e.kind().equals(Event.HAPROXY_PRIMARY)) {
        continue;
      }
      Optional<String> demoted = routes.apply(e);
      if (demoted.isPresent() && staleSince == null) {
        staleSince = e.nanos();
        staleNode = demoted.get();
      } else if (demoted.isEmpty() && staleSince != null) {
        long lasted = e.nanos() - staleSince;
        if (lasted >= STALE_ROUTE_MIN.toNanos()) {
          out.add(
              new RunResult.Anomaly(
                  "stale_route",
                  RunClock.seconds(staleSince - origin),
                  String.format(
                      Locale.ROOT,
                      "HAProxy routed writes to %s for %.2f s while it was a replica and another node the primary",
                      staleNode,
                      RunClock.seconds(lasted))));
        }
        staleSince = null;
      }
    }
    if (staleSince != null) {
      out.add(
          new RunResult.Anomaly(
              "stale_route",
              RunClock.seconds(staleSince - origin),
              "HAProxy still routed writes to "
                  + staleNode
                  + " (a replica) at the end of the run"));
    }
    return out;
  }

  /** A call counts as in flight at a signal when it was sent at least this long before it. */
  static final Duration IN_FLIGHT_MARGIN = Duration.ofMillis(100);

  /** Both watchers poll every 100 ms: a disagreement shorter than this is their skew. */
  static final Duration STALE_ROUTE_MIN = Duration.ofMillis(300);

  private static List<RunResult.SloResult> slos(
      ScenarioSpec scenario,
      StackLifecycle driver,
      EventLog events,
      OpLog ops,
      List<FaultPhases> faults,
      List<RunResult.PhaseResult> phases,
      List<RunResult.ProbeSummary> probes,
      List<RunResult.LedgerCheck> ledger,
      List<RunResult.Anomaly> anomalies,
      boolean recovered,
      Double recovery,
      long firstFault,
      RunResult.LoadRun load) {
    var slo = scenario.slo();
    List<RunResult.SloResult> out = new ArrayList<>();
    List<String> missing =
        phases.stream()
            .filter(p -> p.required() && p.atSeconds() == null)
            .map(RunResult.PhaseResult::label)
            .toList();
    out.add(
        new RunResult.SloResult(
            "recovered",
            "every expected phase observed",
            recovered ? "all observed" : "not observed: " + String.join(", ", missing),
            recovered));
    Map<String, RunResult.ProbeSummary> byName = new HashMap<>();
    probes.forEach(p -> byName.put(p.probe(), p));
    if (slo.writeUnavailability() != null) {
      RunResult.ProbeSummary w =
          byName.getOrDefault("gateway_writer", byName.get("haproxy_writer"));
      double limit = slo.writeUnavailability().toMillis() / 1000.0;
      out.add(
          new RunResult.SloResult(
              "write_unavailability (" + w.probe() + ")",
              "<= " + Durations.format(slo.writeUnavailability()),
              fmt(w.unavailabilitySeconds()) + " s",
              w.unavailabilitySeconds() <= limit));
    }
    if (slo.failedGatewayRequests() != null) {
      int n = 0;
      for (String p : List.of("gateway_writer", "gateway_reader", "function_caller")) {
        RunResult.ProbeSummary s = byName.get(p);
        if (s != null) {
          n += s.unsuccessful();
        }
      }
      out.add(count("failed_gateway_requests", slo.failedGatewayRequests(), n));
    }
    if (slo.failedHaproxyWrites() != null) {
      RunResult.ProbeSummary s = byName.get("haproxy_writer");
      out.add(count("failed_haproxy_writes", slo.failedHaproxyWrites(), s.unsuccessful()));
    }
    if (slo.failedRedisWrites() != null) {
      RunResult.ProbeSummary s = byName.get("redis_writer");
      out.add(count("failed_redis_writes", slo.failedRedisWrites(), s.unsuccessful()));
    }
    if (slo.lostAcknowledgedWrites() != null) {
      out.add(
          count(
              "lost_acknowledged_writes",
              slo.lostAcknowledgedWrites(),
              ledger.stream().mapToInt(RunResult.LedgerCheck::lost).sum()));
    }
    if (slo.splitBrain() != null) {
      out.add(
          count(
              "split_brain",
              slo.splitBrain(),
              (int)
                  anomalies.stream()
                      .filter(
                          a ->
                              a.kind().equals("split_brain")
                                  || a.kind().equals("stale_route")
                                  || a.kind().equals("leader_key_overwritten"))
                      .count()));
    }
    if (slo.staleRoute() != null) {
      out.add(
          count(
              "stale_route",
              slo.staleRoute(),
              (int) anomalies.stream().filter(a -> a.kind().equals("stale_route")).count()));
    }
    if (slo.staleReplicaRoute() != null) {
      out.add(
          count(
              ReplicaRoutes.KIND,
              slo.staleReplicaRoute(),
              (int) anomalies.stream().filter(a -> a.kind().equals(ReplicaRoutes.KIND)).count()));
    }
    if (load != null && load.reads() != null) {
      // every run with --load is judged on its reads (issue 12), with the scenario's limits or
      // the defaults
      out.add(
          ReadsDuringFailover.slo(
              load.reads(),
              slo.loadReadsP99() != null ? slo.loadReadsP99() : ReadsDuringFailover.DEFAULT_P99,
              slo.loadReadsCompleted() != null
                  ? slo.loadReadsCompleted()
                  : ReadsDuringFailover.DEFAULT_COMPLETED_PERCENT));
    }
    if (slo.leaderChanges() != null) {
      int changes =
          (int)
              events.all().stream()
                  .filter(e -> e.nanos() >= firstFault && e.kind().equals(Event.LEADER_KEY_SET))
                  .count();
      out.add(count("leader_changes", slo.leaderChanges(), changes));
    }
    if (slo.recoveryTime() != null) {
      double limit = slo.recoveryTime().toMillis() / 1000.0;
      out.add(
          new RunResult.SloResult(
              "recovery_time",
              "<= " + Durations.format(slo.recoveryTime()),
              recovery == null ? "not recovered" : fmt(recovery) + " s",
              recovery != null && recovery <= limit));
    }
    if (slo.discoveryTime() != null) {
      Optional<Double> routed =
          phases.stream()
              .filter(p -> p.id().equals("worker_routed") && p.atSeconds() != null)
              .map(RunResult.PhaseResult::atSeconds)
              .findFirst();
      Optional<Double> started =
          phases.stream()
              .filter(p -> p.id().equals("worker_started") && p.atSeconds() != null)
              .map(RunResult.PhaseResult::atSeconds)
              .findFirst();
      Optional<Double> d = routed.flatMap(r -> started.map(s -> r - s));
      double limit = slo.discoveryTime().toMillis() / 1000.0;
      out.add(
          new RunResult.SloResult(
              "discovery_time",
              "<= " + Durations.format(slo.discoveryTime()),
              d.map(x -> fmt(x) + " s").orElse("never routed"),
              d.map(x -> x <= limit).orElse(false)));
    }
    if (slo.failedInFlightRequests() != null) {
      int n = 0;
      for (FaultPhases fp : faults) {
        long at = fp.fault().nanos();
        // in flight: sent well before the signal (the sender has had time to put it on the wire)
        long sentBy = at - IN_FLIGHT_MARGIN.toNanos();
        n +=
            (int)
                ops.of("function_caller").stream()
                    .filter(o -> o.intendedNanos() <= sentBy && o.endNanos() >= at && !o.ok())
                    .count();
      }
      out.add(count("failed_in_flight_requests", slo.failedInFlightRequests(), n));
    }
    if (slo.cleanExit() != null) {
      List<FaultPhases> signalledFaults =
          faults.stream()
              .filter(
                  f ->
                      f.fault().action() == Action.SIGNAL_GATEWAY
                          || f.fault().action() == Action.SIGNAL_WORKER)
              .toList();
      List<String> signalled = signalledFaults.stream().map(f -> f.fault().target()).toList();
      List<String> unclean = new ArrayList<>();
      for (FaultPhases fp : signalledFaults) {
        String m = fp.fault().target();
        boolean exited =
            events
                .first(
                    fp.fault().nanos(),
                    e -> e.kind().equals(Event.PROCESS_EXITED) && e.subject().equals(m))
                .isPresent();
        boolean saidSo = fp.logAfter().stream().anyMatch(l -> l.contains("shut down cleanly"));
        if (!exited || !saidSo) {
          unclean.add(
              m + (exited ? " exited without saying it shut down cleanly" : " did not exit"));
        }
      }
      boolean ok = unclean.isEmpty() == slo.cleanExit();
      out.add(
          new RunResult.SloResult(
              "clean_exit",
              slo.cleanExit() ? "exits and logs \"shut down cleanly\"" : "does not exit cleanly",
              unclean.isEmpty()
                  ? "clean: " + String.join(", ", signalled)
                  : String.join("; ", unclean),
              ok));
    }
    return out;
  }

  private static RunResult.SloResult count(String name, int limit, int measured) {
    return new RunResult.SloResult(
        name, "<= " + limit, Integer.toString(measured), measured <= limit);
  }

  static String fmt(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }
}
