package io.madbase.cli;

import io.madbase.ExitCode;
import io.madbase.Json;
import io.madbase.chaos.Action;
import io.madbase.chaos.Bound;
import io.madbase.chaos.EffectiveTiming;
import io.madbase.chaos.Expectations;
import io.madbase.chaos.PhaseSpec;
import io.madbase.chaos.RunResult;
import io.madbase.chaos.ScenarioLoader;
import io.madbase.chaos.ScenarioRunner;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.common.Durations;
import io.madbase.driver.StackLifecycle;
import io.madbase.driver.StackState;
import io.madbase.report.RepeatSummary;
import io.madbase.report.ReportWriter;
import io.madbase.report.TextReport;
import io.madbase.stack.DataSafety;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What `madbase chaos run X` and `madbase chaos X` share: load, dry-run or run, report. */
final class ChaosRunner {
  private ChaosRunner() {}

  static int run(
      String scenarioName,
      StackOptions stack,
      ChaosOptions opts,
      OutputOptions output,
      VerbosityOptions verbosity,
      PrintWriter out,
      PrintWriter err) {
    boolean json = output.json();
    ScenarioLoader.Loaded loaded = ScenarioLoader.load(scenarioName);
    opts.check();
    if (opts.dryRun) {
      StackSpec spec =
          StackState.load(stack.stateDir())
              .map(StackState::spec)
              .orElseGet(() -> stack.load().spec());
      // everything a real run checks before it touches the stack, in the same order
      ScenarioLoader.checkAgainst(loaded, spec);
      opts.checkAgainst(spec);
      String note = null;
      if (StackState.load(stack.stateDir()).isPresent()) {
        // a running stack: predict from the timing Patroni really has
        try (StackLifecycle d = stack.attach()) {
          if (d.nodes().stream().anyMatch(n -> n.alive() && n.role() == Role.POSTGRES)) {
            EffectiveTiming.Result eff = EffectiveTiming.of(d.spec(), d.topology(), d.observer());
            spec = eff.spec();
            note = eff.note().orElse(null);
          }
        }
      }
      if (json) {
        out.println(Json.write(planJson(loaded, spec, note)));
        err.println("(dry run: nothing was done)");
        return ExitCode.OK;
      }
      out.print(plan(loaded, spec));
      if (note != null) {
        out.println("  note: " + note);
      }
      out.println("(dry run: nothing was done)");
      return ExitCode.OK;
    }
    List<RunResult> results = new ArrayList<>();
    try (StackLifecycle driver = stack.attach()) {
      ScenarioLoader.checkAgainst(loaded, driver.spec());
      opts.checkAgainst(driver.spec());
      var loadPlan = opts.loadPlan();
      for (int i = 1; i <= opts.repeat; i++) {
        if (opts.repeat > 1) {
          err.printf("=== run %d of %d%n", i, opts.repeat);
        }
        RunResult r =
            new ScenarioRunner(driver, new TerminalRunListener(err, verbosity.quiet()), loadPlan)
                .run(loaded.spec(), loaded.source());
        results.add(r);
        if (!json) {
          out.println();
          out.print(TextReport.render(r));
        }
      }
    }
    String dirName =
        results.size() == 1
            ? results.get(0).runId()
            : results.get(0).runId() + "-x" + results.size();
    Path dir = opts.reportDir.resolve(dirName).toAbsolutePath().normalize();
    ReportWriter.write(results, dir);
    String where = "reports: " + dir + "/ (report.html, report.md, report.json, junit.xml)";
    if (json) {
      // the report on stdout, as report.json has it (a --repeat series: every run and the summary);
      // where the files went is a diagnostic
      out.println(Json.write(reportJson(results)));
      err.println(where);
    } else {
      if (results.size() > 1) {
        out.println();
        out.print(RepeatSummary.of(results).markdown());
      }
      out.println(where);
    }
    return results.stream().allMatch(RunResult::passed) ? ExitCode.OK : ExitCode.CHECK_FAILED;
  }

  /**
   * What -o json prints of a run: report.json, or for a --repeat series every run and the summary.
   */
  static Object reportJson(List<RunResult> results) {
    if (results.size() == 1) {
      return results.get(0);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("summary", RepeatSummary.of(results));
    doc.put("runs", results);
    return doc;
  }

  /** One phase a dry run predicts, with the step it follows. */
  record PlannedPhase(
      int step,
      String action,
      String target,
      String id,
      String label,
      boolean required,
      Bound predicted) {}

  /** --dry-run -o json: what the text plan shows, as data. */
  static Map<String, Object> planJson(ScenarioLoader.Loaded loaded, StackSpec spec, String note) {
    ScenarioSpec s = loaded.spec();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("dry_run", true);
    doc.put("scenario", s.name());
    doc.put("source", loaded.source());
    doc.put("description", s.description().strip());
    doc.put("steady_state", s.steadyState());
    doc.put("probes", s.probes());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (ScenarioSpec.Step st : s.method()) {
      Action a = Action.find(st.action()).orElseThrow();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("action", a.id());
      String target = st.target() != null ? st.target() : a.defaultTarget();
      if (a.fields().contains("target") && target != null) {
        m.put("target", target);
      }
      m.put("signal", st.signal());
      m.put("candidate", st.candidate());
      m.put("duration", st.duration());
      m.put("from", a == Action.PARTITION && st.from() == null ? List.of("everyone") : st.from());
      m.put("direction", st.direction());
      m.put("to", a == Action.THROTTLE ? throttleTo(st, target, spec) : null);
      m.put("rate", st.rate());
      m.put(
          "timeout",
          a == Action.AWAIT_RECOVERY && st.timeout() == null ? DEFAULT_AWAIT : st.timeout());
      m.values().removeIf(java.util.Objects::isNull);
      steps.add(m);
    }
    doc.put("method", steps);
    doc.put("rollback", s.rollback());
    doc.put("stack", spec.name());
    doc.put("profile", spec.failover().profile());
    doc.put("timing", spec.timing());
    doc.put("data_safety", DataSafety.of(spec));
    doc.put("writes_at_risk", writesAtRisk(s, spec));
    doc.put("predicted_phases", predictedPhases(s, spec));
    doc.put("slo", s.slo());
    if (note != null) {
      doc.put("note", note);
    }
    return doc;
  }

  private static final java.time.Duration DEFAULT_AWAIT = java.time.Duration.ofSeconds(90);

  /** Each fault step's phases and the window the settings predict for each. */
  static List<PlannedPhase> predictedPhases(ScenarioSpec s, StackSpec spec) {
    List<PlannedPhase> out = new ArrayList<>();
    int etcdDown = 0;
    int n = 0;
    for (ScenarioSpec.Step st : s.method()) {
      n++;
      Action a = Action.find(st.action()).orElseThrow();
      if (!a.isFault()) {
        continue;
      }
      String target =
          st.target() != null ? st.target() : a.defaultTarget() == null ? "" : a.defaultTarget();
      int down = etcdDown;
      if (a == Action.CRASH_ETCD_MEMBER) {
        int members = spec.etcd().members();
        etcdDown =
            "majority".equals(target) ? Math.max(etcdDown, members - members / 2) : etcdDown + 1;
        down = etcdDown;
      } else if (a == Action.RESTART_FAULTED) {
        etcdDown = 0;
        target = "";
      }
      var f = plannedFault(a, st, target, down);
      for (PhaseSpec ps :
          Expectations.phases(f, spec, new LinkedHashSet<>(ScenarioRunner.probeNameList(s)))) {
        out.add(
            new PlannedPhase(
                n, a.id(), target, ps.id(), ps.label(), ps.required(), ps.predicted()));
      }
    }
    return out;
  }

  /** A fault step as the prediction sees it: the leader is whoever leads, called "leader". */
  private static Expectations.Fault plannedFault(
      Action a, ScenarioSpec.Step st, String target, int etcdDown) {
    return new Expectations.Fault(
        a,
        target,
        "leader",
        "master",
        0,
        st.duration(),
        etcdDown,
        false,
        a == Action.PARTITION
            ? new Expectations.Fault.Cut(
                st.from() == null ? List.of("everyone") : st.from(), st.direction())
            : null);
  }

  /** Whom a throttle step slows its target's traffic to: as written, or the default group. */
  private static List<String> throttleTo(ScenarioSpec.Step st, String target, StackSpec spec) {
    return st.to() != null
        ? st.to()
        : io.madbase.chaos.PartitionGroups.peers(io.madbase.stack.Topology.local(spec), target)
            .map(List::of)
            .orElse(List.of("(name them: to)"));
  }

  /** What acknowledged writes each fault step puts at risk on the settings in force. */
  static List<String> writesAtRisk(ScenarioSpec s, StackSpec spec) {
    List<String> out = new ArrayList<>();
    for (ScenarioSpec.Step st : s.method()) {
      Action a = Action.find(st.action()).orElseThrow();
      if (!a.isFault()) {
        continue;
      }
      String target =
          st.target() != null ? st.target() : a.defaultTarget() == null ? "" : a.defaultTarget();
      Expectations.writesAtRisk(plannedFault(a, st, target, 0), spec).ifPresent(out::add);
    }
    return out;
  }

  /** --dry-run: the steps, the probes, the SLOs, and each phase's predicted window. */
  static String plan(ScenarioLoader.Loaded loaded, StackSpec spec) {
    ScenarioSpec s = loaded.spec();
    StringBuilder sb = new StringBuilder();
    sb.append("scenario ").append(s.name()).append(" (").append(loaded.source()).append(")\n");
    if (!s.description().isBlank()) {
      sb.append("  ").append(s.description().strip().replace("\n", "\n  ")).append('\n');
    }
    sb.append("  steady state: ").append(String.join(", ", s.steadyState())).append('\n');
    sb.append("  probes:");
    var p = s.probes();
    appendProbe(sb, "gateway_writer", p.gatewayWriter());
    appendProbe(sb, "haproxy_writer", p.haproxyWriter());
    appendProbe(sb, "replica_reader", p.replicaReader());
    appendProbe(sb, "gateway_reader", p.gatewayReader());
    appendProbe(sb, "function_caller", p.functionCaller());
    appendProbe(sb, "redis_writer", p.redisWriter());
    sb.append("\n  method:\n");
    int n = 1;
    for (ScenarioSpec.Step st : s.method()) {
      Action a = Action.find(st.action()).orElseThrow();
      sb.append("    ").append(n++).append(". ").append(a.id());
      String target = st.target() != null ? st.target() : a.defaultTarget();
      if (a.fields().contains("target") && target != null) {
        sb.append(" target ").append(target);
      }
      if (st.signal() != null) {
        sb.append(" signal ").append(st.signal());
      }
      if (st.candidate() != null) {
        sb.append(" candidate ").append(st.candidate());
      }
      if (st.from() != null || a == Action.PARTITION) {
        sb.append(" from ")
            .append(String.join(", ", st.from() == null ? List.of("everyone") : st.from()));
      }
      if (st.direction() != null && !st.direction().equals("both")) {
        sb.append(" (").append(st.direction()).append(" only)");
      }
      if (a == Action.THROTTLE) {
        sb.append(" to ")
            .append(String.join(", ", throttleTo(st, target, spec)))
            .append(" at ")
            .append(st.rate());
      }
      if (st.duration() != null) {
        sb.append(a == Action.PARTITION || a == Action.THROTTLE ? " for " : " ")
            .append(Durations.format(st.duration()));
      }
      if (a == Action.AWAIT_RECOVERY) {
        sb.append(" (at most ")
            .append(st.timeout() == null ? "90s" : Durations.format(st.timeout()))
            .append(')');
      }
      sb.append('\n');
    }
    sb.append("  rollback: ")
        .append(s.rollback().isEmpty() ? "none" : String.join(", ", s.rollback()))
        .append('\n');
    var t = spec.timing();
    sb.append(
        String.format(
            Locale.ROOT,
            "  predicted phases on stack %s (%s profile: Patroni ttl %d / loop_wait %d / retry_timeout %d%s; HAProxy inter %s downinter %s rise %d; Sentinel down-after %s):%n",
            spec.name(),
            spec.failover().profile(),
            t.patroni().ttl(),
            t.patroni().loopWait(),
            t.patroni().retryTimeout(),
            spec.postgres().failsafeMode() ? ", failsafe_mode on" : "",
            Durations.format(t.haproxy().inter()),
            Durations.format(t.haproxy().downinter()),
            t.haproxy().rise(),
            Durations.format(t.sentinel().downAfter())));
    sb.append("  data safety: ").append(DataSafety.of(spec).describe()).append('\n');
    for (String risk : writesAtRisk(s, spec)) {
      sb.append("    acknowledged writes at risk: ").append(risk).append('\n');
    }
    for (PlannedPhase ps : predictedPhases(s, spec)) {
      sb.append(
          String.format(
              Locale.ROOT,
              "    %-42s %-12s %s%n",
              ps.label() + (ps.required() ? "" : " (optional)"),
              ps.predicted(),
              ps.predicted().why()));
    }
    sb.append("  SLOs:");
    var slo = s.slo();
    sb.append(" recovered");
    if (slo.writeUnavailability() != null)
      sb.append(", write_unavailability <= ").append(Durations.format(slo.writeUnavailability()));
    if (slo.failedGatewayRequests() != null)
      sb.append(", failed_gateway_requests <= ").append(slo.failedGatewayRequests());
    if (slo.failedHaproxyWrites() != null)
      sb.append(", failed_haproxy_writes <= ").append(slo.failedHaproxyWrites());
    if (slo.failedRedisWrites() != null)
      sb.append(", failed_redis_writes <= ").append(slo.failedRedisWrites());
    if (slo.lostAcknowledgedWrites() != null)
      sb.append(", lost_acknowledged_writes <= ").append(slo.lostAcknowledgedWrites());
    if (slo.splitBrain() != null) sb.append(", split_brain <= ").append(slo.splitBrain());
    if (slo.staleRoute() != null) sb.append(", stale_route <= ").append(slo.staleRoute());
    if (slo.recoveryTime() != null)
      sb.append(", recovery_time <= ").append(Durations.format(slo.recoveryTime()));
    if (slo.discoveryTime() != null)
      sb.append(", discovery_time <= ").append(Durations.format(slo.discoveryTime()));
    if (slo.failedInFlightRequests() != null)
      sb.append(", failed_in_flight_requests <= ").append(slo.failedInFlightRequests());
    if (slo.cleanExit() != null) sb.append(", clean_exit ").append(slo.cleanExit());
    if (slo.leaderChanges() != null) sb.append(", leader_changes <= ").append(slo.leaderChanges());
    sb.append('\n');
    return sb.toString();
  }

  private static void appendProbe(StringBuilder sb, String name, ScenarioSpec.ProbeSettings s) {
    if (s != null) {
      sb.append(' ').append(name).append(" every ").append(Durations.format(s.intervalOrDefault()));
      if (s.delay() != null) {
        sb.append(" (delay ").append(Durations.format(s.delay())).append(')');
      }
      sb.append(';');
    }
  }
}
