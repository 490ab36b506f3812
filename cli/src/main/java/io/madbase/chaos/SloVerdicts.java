package io.madbase.chaos;

import io.madbase.common.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A run judged against its scenario's SLOs: one verdict each, with what was measured. */
final class SloVerdicts {
  private SloVerdicts() {}

  /** A call counts as in flight at a signal when it was sent at least this long before it. */
  static final Duration IN_FLIGHT_MARGIN = Duration.ofMillis(100);

  /**
   * Every SLO the scenario sets, and "recovered" always; with --load, the reads during the failover
   * too.
   */
  static List<RunResult.SloResult> of(
      RunRecord run,
      PhaseTimeline timeline,
      List<RunResult.ProbeSummary> probes,
      List<RunResult.Anomaly> anomalies,
      RunResult.LoadRun load) {
    var slo = run.scenario().slo();
    EventLog events = run.events();
    OpLog ops = run.ops();
    List<RunResult.LedgerCheck> ledger = run.ledger();
    boolean recovered = timeline.recovered();
    Double recovery = timeline.recovery();
    long firstFault = run.firstFault();
    List<RunResult.SloResult> out = new ArrayList<>();
    List<String> missing = timeline.missingRequired();
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
      Optional<Double> routed = timeline.at("worker_routed");
      Optional<Double> started = timeline.at("worker_started");
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
      for (RunRecord.FaultPhases fp : run.faults()) {
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
      List<RunRecord.FaultPhases> signalledFaults =
          run.faults().stream()
              .filter(
                  f ->
                      f.fault().action() == Action.SIGNAL_GATEWAY
                          || f.fault().action() == Action.SIGNAL_WORKER)
              .toList();
      List<String> signalled = signalledFaults.stream().map(f -> f.fault().target()).toList();
      List<String> unclean = new ArrayList<>();
      for (RunRecord.FaultPhases fp : signalledFaults) {
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
