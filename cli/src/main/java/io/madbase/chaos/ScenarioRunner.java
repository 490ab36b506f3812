package io.madbase.chaos;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.chaos.fault.FaultContext;
import io.madbase.chaos.fault.FaultStep;
import io.madbase.chaos.fault.Injection;
import io.madbase.chaos.fault.RestartFaulted;
import io.madbase.driver.Progress;
import io.madbase.driver.StackLifecycle;
import io.madbase.driver.Wait;
import io.madbase.observe.StackObserver;
import io.madbase.render.RenderContext;
import io.madbase.stack.Member;
import io.madbase.stack.Port;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs one scenario against a running stack: steady state, watchers and probes, the method's faults
 * and waits, recovery, rollback, the acknowledged-write check, and the verdict.
 */
public final class ScenarioRunner {
  /** How long probes keep going after recovery, so the report shows the stack settled. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  static final Duration DEFAULT_RECOVERY_TIMEOUT = Duration.ofSeconds(90);
  static final Duration ROLLBACK_DEADLINE = Duration.ofSeconds(120);

  private final StackLifecycle driver;
  private final RunListener listener;
  private final LoadPlan loadPlan;

  public ScenarioRunner(StackLifecycle driver, RunListener listener) {
    this(driver, listener, null);
  }

  /** With {@code loadPlan} (may be null): load through the gateway for the whole run. */
  public ScenarioRunner(StackLifecycle driver, RunListener listener, LoadPlan loadPlan) {
    this.driver = driver;
    this.listener = listener;
    this.loadPlan = loadPlan;
  }

  /** A fault step as injected, with the phases it leads to. */
  private record Injected(
      Expectations.Fault fault, List<PhaseSpec> phases, io.madbase.chaos.fault.Injection step) {}

  public RunResult run(ScenarioSpec scenario, String source) {
    StackObserver obs = driver.observer();
    EffectiveTiming.Result effective = EffectiveTiming.of(driver.spec(), driver.topology(), obs);
    StackSpec spec = effective.spec();
    RunClock clock = new RunClock();
    EventLog events = new EventLog(clock);
    OpLog ops = new OpLog();
    String runId =
        scenario.name()
            + "-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(clock.wallOrigin())
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    List<String> notes = new ArrayList<>();
    effective
        .note()
        .ifPresent(
            n -> {
              notes.add(n);
              listener.step(n);
            });
    List<Injected> injected = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    long[] faultAt = {-1};
    events.listen(
        e -> listener.event(e, faultAt[0] < 0 ? -1 : RunClock.seconds(e.nanos() - faultAt[0])));

    listener.step("steady state: is the stack healthy?");
    steadyState(scenario, obs);

    List<AutoCloseable> closeables = new ArrayList<>();
    Freezes freezes = new Freezes(driver, events);
    // closed before the watchers (the list closes in order): a frozen node is resumed while
    // they still look
    closeables.add(freezes);
    Partitions partitions = new Partitions(driver, events);
    // healed before the watchers close too, so they see the healed stack
    closeables.add(partitions);
    Map<String, Probe> probes = new LinkedHashMap<>();
    List<RunResult.LedgerCheck> ledger = List.of();
    io.madbase.load.RunningLoad load = null;
    io.madbase.load.LoadResult loadResult = null;
    try {
      listener.step("watchers: etcd leader key, Patroni REST, HAProxy stats, Sentinels, processes");
      startWatchers(spec, obs, events, closeables);
      listener.step("probes: " + probeNames(scenario));
      startProbes(scenario, spec, runId, clock, ops, probes);
      closeables.add(ticker(probes, ops));
      if (loadPlan != null) {
        load = startLoad(spec);
        closeables.add(load);
        listener.step(
            "load warm-up: "
                + io.madbase.common.Durations.format(loadPlan.warmup())
                + " before the fault");
        sleep(loadPlan.warmup());
      }
      warmUp(probes, ops);

      for (ScenarioSpec.Step step : scenario.method()) {
        Action action = Action.find(step.action()).orElseThrow();
        switch (action) {
          case SLEEP -> {
            listener.step("sleep " + step.duration().toSeconds() + " s");
            sleep(step.duration());
          }
          case AWAIT_RECOVERY -> awaitRecovery(injected, events, ops, step.timeout(), reported);
          default -> {
            Injected in =
                inject(action, step, spec, obs, events, scenario, freezes, partitions, injected);
            injected.add(in);
            if (faultAt[0] < 0) {
              faultAt[0] = in.fault().nanos();
            }
          }
        }
      }
      if (!injected.isEmpty()
          && scenario.method().stream()
              .noneMatch(s -> Action.AWAIT_RECOVERY.id().equals(s.action()))) {
        awaitRecovery(injected, events, ops, null, reported);
      }
      sleep(SETTLE);

      rollback(scenario, injected, events, obs, notes, freezes, partitions);
      readMemberLogs(injected, events, clock);
      listener.step("stopping probes, letting requests in flight finish");
      probes.values().forEach(Probe::stop);
      if (load != null) {
        loadResult = load.stop();
      }
      for (Probe p : probes.values()) {
        if (p instanceof GatewayProbe g) {
          g.drain(spec.gateway().holdDeadline().plusSeconds(10));
        }
      }
      listener.step("checking every acknowledged write");
      ledger =
          new LedgerVerifier(spec, driver.topology(), driver.secrets())
              .verify(probes, ops, faultAt[0]);
    } finally {
      for (Probe p : probes.values()) {
        p.close();
      }
      for (AutoCloseable c : closeables) {
        try {
          c.close();
        } catch (Exception e) {
          notes.add("closing a watcher: " + e.getMessage());
        }
      }
    }
    return RunAnalysis.analyze(
        scenario,
        source,
        runId,
        driver,
        spec,
        clock,
        events,
        ops,
        injected.stream()
            .map(
                i ->
                    new RunAnalysis.FaultPhases(
                        i.fault(),
                        i.phases(),
                        i.step().logOffset() < 0 || i.fault().action() == Action.PARTITION
                            ? List.of()
                            : driver.logSince(i.fault().target(), i.step().logOffset())))
            .toList(),
        ledger,
        notes,
        loadPlan,
        loadResult);
  }

  /**
   * The stack must be healthy before the fault, or the run would prove nothing. A health check can
   * flap for a moment (an HAProxy check timing out on a busy machine), so the steady state is
   * waited for, up to {@link #STEADY_STATE_DEADLINE}, before the run is refused.
   */
  private void steadyState(ScenarioSpec scenario, StackObserver obs) {
    if (!scenario.steadyState().contains("stack_healthy")) {
      return;
    }
    try {
      new Wait(STEADY_STATE_DEADLINE, Duration.ofMillis(250), Progress.NONE)
          .until("a healthy stack", () -> obs.stack(), "");
    } catch (MadbaseException e) {
      throw new MadbaseException(
          ExitCode.CHECK_FAILED,
          "steady state not met within "
              + STEADY_STATE_DEADLINE.toSeconds()
              + " s, so the scenario was not run: "
              + obs.stack().seen()
              + "\n  (madbase status shows the whole stack; madbase up starts what is missing)");
    }
  }

  static final Duration STEADY_STATE_DEADLINE = Duration.ofSeconds(30);

  private void startWatchers(
      StackSpec spec, StackObserver obs, EventLog events, List<AutoCloseable> closeables) {
    closeables.add(new EtcdLeaderWatch(obs.etcdEndpoints(), spec.name(), events));
    closeables.add(new PatroniWatcher(driver.topology(), events).start(Duration.ofMillis(50)));
    closeables.add(new HaproxyWatcher(obs.haproxyStats(), events).start(Duration.ofMillis(100)));
    if (!driver.topology().of(Role.SENTINEL).isEmpty()) {
      closeables.add(
          new SentinelWatcher(
                  driver.topology(),
                  spec.redis().masterName(),
                  obs.redis(),
                  host -> obs.redisMember(host).map(Member::name).orElse(host),
                  events)
              .start(Duration.ofMillis(150)));
    }
    closeables.add(new MemberWatcher(driver, events).start(Duration.ofMillis(100)));
    closeables.add(new StaleRouteWatcher(events).start(Duration.ofMillis(100)));
  }

  private void startProbes(
      ScenarioSpec scenario,
      StackSpec spec,
      String runId,
      RunClock clock,
      OpLog ops,
      Map<String, Probe> probes) {
    var p = scenario.probes();
    Topology topology = driver.topology();
    String app = RenderContext.APP_USER;
    String appPw = driver.secrets().app().reveal();
    Optional<Member> gw = driver.topology().of(Role.GATEWAY).stream().findFirst();
    Duration requestTimeout = spec.gateway().holdDeadline().plusSeconds(10);
    boolean needsGateway =
        p.gatewayWriter() != null || p.gatewayReader() != null || p.functionCaller() != null;
    if (needsGateway && gw.isEmpty()) {
      throw MadbaseException.invalidInput(
          "scenario "
              + scenario.name()
              + " probes through the gateway, and this stack has none (gateway.instances: 0)");
    }
    // with two gateways or more, through HAProxy's gateways port: what a client uses
    String gwUrl = topology.gatewayEntry().map(e -> e.http()).orElse("");
    if (p.haproxyWriter() != null) {
      probes.put(
          "haproxy_writer",
          new HaproxyWriter(
              topology.haproxy(Port.HAPROXY_PRIMARY),
              RenderContext.DATABASE,
              app,
              appPw,
              runId + "/haproxy",
              p.haproxyWriter().intervalOrDefault(),
              clock,
              ops));
    }
    if (p.gatewayWriter() != null) {
      probes.put(
          "gateway_writer",
          new GatewayProbe(
              GatewayProbe.Kind.WRITER,
              gwUrl,
              runId + "/gateway",
              p.gatewayWriter().intervalOrDefault(),
              null,
              requestTimeout,
              clock,
              ops));
    }
    if (p.replicaReader() != null) {
      probes.put(
          "replica_reader",
          new ReplicaReader(
              topology.haproxy(Port.HAPROXY_REPLICAS),
              RenderContext.DATABASE,
              app,
              appPw,
              p.replicaReader().intervalOrDefault(),
              clock,
              ops));
    }
    if (p.gatewayReader() != null) {
      probes.put(
          "gateway_reader",
          new GatewayProbe(
              GatewayProbe.Kind.READER,
              gwUrl,
              runId + "/reader",
              p.gatewayReader().intervalOrDefault(),
              null,
              requestTimeout,
              clock,
              ops));
    }
    if (p.functionCaller() != null) {
      probes.put(
          "function_caller",
          new GatewayProbe(
              GatewayProbe.Kind.FUNCTION_CALLER,
              gwUrl,
              runId + "/fn",
              p.functionCaller().intervalOrDefault(),
              p.functionCaller().delay(),
              requestTimeout,
              clock,
              ops));
    }
    if (p.redisWriter() != null) {
      if (driver.topology().of(Role.SENTINEL).isEmpty()) {
        throw MadbaseException.invalidInput(
            "scenario " + scenario.name() + " writes to Redis, and this stack has no sentinels");
      }
      probes.put(
          "redis_writer",
          new RedisWriter(
              topology.of(Role.SENTINEL).stream()
                  .map(m -> topology.endpoint(m, Port.SENTINEL))
                  .toList(),
              topology::reachable,
              host -> driver.observer().redisMember(host).map(Member::name).orElse(host),
              spec.redis().masterName(),
              driver.secrets().redis().reveal(),
              runId + "/redis",
              p.redisWriter().intervalOrDefault(),
              clock,
              ops));
    }
    probes.values().forEach(Probe::start);
  }

  /**
   * The --load generator through the gateway (HAProxy's gateways port with two or more), running
   * until stopped.
   */
  private io.madbase.load.RunningLoad startLoad(StackSpec spec) {
    java.net.URI target =
        java.net.URI.create(
            driver
                .topology()
                .gatewayEntry()
                .orElseThrow(
                    () ->
                        MadbaseException.invalidInput(
                            "--load runs through the gateway, and this stack has none (gateway.instances: 0)"))
                .http());
    var config =
        io.madbase.load.LoadConfig.builder(target, loadPlan.workload())
            .rate(loadPlan.rate())
            .connections(loadPlan.connections())
            .duration(null)
            .warmup(Duration.ZERO)
            // a request held through a failover must be able to outlast the gateway's hold deadline
            .timeout(spec.gateway().holdDeadline().plusSeconds(10))
            .build();
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw MadbaseException.invalidInput("--load: " + String.join("; ", problems));
    }
    listener.step(
        String.format(
            java.util.Locale.ROOT,
            "load: %.0f req/s over %d connections (%s) through %s",
            loadPlan.rate(),
            loadPlan.connections(),
            loadPlan.workload().describe(),
            target));
    return io.madbase.load.LoadGenerator.start(config);
  }

  /** Every probe must succeed before the fault: a probe failing already would prove nothing. */
  private void warmUp(Map<String, Probe> probes, OpLog ops) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (String name : probes.keySet()) {
      while (ops.of(name).stream().noneMatch(Op::ok)) {
        if (System.nanoTime() > end) {
          String last =
              ops.of(name).stream()
                  .reduce((a, b) -> b)
                  .map(o -> o.errorKind() + " " + o.detail())
                  .orElse("no operation finished");
          throw new MadbaseException(
              ExitCode.CHECK_FAILED,
              "steady state not met: probe "
                  + name
                  + " never succeeded before the fault (last: "
                  + last
                  + ")");
        }
        sleep(Duration.ofMillis(50));
      }
    }
    sleep(Duration.ofSeconds(1));
  }

  private Injected inject(
      Action action,
      ScenarioSpec.Step step,
      StackSpec spec,
      StackObserver obs,
      EventLog events,
      ScenarioSpec scenario,
      Freezes freezes,
      Partitions partitions,
      List<Injected> before) {
    FaultContext ctx =
        context(
            obs, events, freezes, partitions, before, obs.leader().map(Member::name).orElse(""));
    listener.step("fault: " + action.id() + describeTarget(step));
    Injection in = FaultStep.of(action).inject(ctx, step);
    Expectations.Fault f =
        new Expectations.Fault(
            action,
            in.target(),
            ctx.leader(),
            ctx.redisMaster(),
            in.fault().nanos(),
            step.duration(),
            in.etcdDown(),
            driver.faults().restartsCrashedMembers(),
            action == Action.PARTITION
                ? new Expectations.Fault.Cut(
                    step.from() == null ? List.of("everyone") : step.from(), step.direction())
                : null);
    Set<String> probeNames = new LinkedHashSet<>(probeNameList(scenario));
    return new Injected(f, Expectations.phases(f, spec, probeNames), in);
  }

  private FaultContext context(
      StackObserver obs,
      EventLog events,
      Freezes freezes,
      Partitions partitions,
      List<Injected> before,
      String leader) {
    return new FaultContext(
        driver,
        obs,
        events,
        freezes,
        partitions,
        before.stream().map(Injected::step).toList(),
        leader,
        redisMaster(obs).orElse(""));
  }

  private static String describeTarget(ScenarioSpec.Step step) {
    return step.target() == null ? "" : " " + step.target();
  }

  private static Optional<String> redisMaster(StackObserver obs) {
    return obs.sentinelsView().flatMap(host -> obs.redisMember(host).map(Member::name));
  }

  private void awaitRecovery(
      List<Injected> injected, EventLog events, OpLog ops, Duration timeout, Set<String> reported) {
    Duration limit = timeout == null ? DEFAULT_RECOVERY_TIMEOUT : timeout;
    listener.step("waiting for recovery (at most " + limit.toSeconds() + " s)");
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      boolean all = true;
      for (Injected in : injected) {
        Observed o = new Observed(events, ops, in.fault().nanos());
        for (PhaseSpec ps : in.phases()) {
          Optional<Long> at = ps.find().apply(o);
          if (at.isPresent() && reported.add(in.fault().nanos() + ps.id())) {
            double s = RunClock.seconds(at.get() - in.fault().nanos());
            listener.phase(
                new RunResult.PhaseResult(
                    ps.id(),
                    ps.label(),
                    ps.source(),
                    ps.required(),
                    s,
                    ps.predicted(),
                    ps.predicted().contains(s),
                    0,
                    0,
                    0,
                    Map.of()));
          }
          if (ps.required() && at.isEmpty()) {
            all = false;
          }
        }
      }
      if (all) {
        return;
      }
      if (System.nanoTime() > end) {
        listener.step("not recovered within " + limit.toSeconds() + " s");
        return;
      }
      sleep(Duration.ofMillis(100));
    }
  }

  /** Rolls back, then waits until the stack is whole again: the next run starts from health. */
  private void rollback(
      ScenarioSpec scenario,
      List<Injected> injected,
      EventLog events,
      StackObserver obs,
      List<String> notes,
      Freezes freezes,
      Partitions partitions) {
    listener.step(
        scenario.rollback().isEmpty()
            ? "waiting for the stack to be whole again"
            : "rollback: " + String.join(", ", scenario.rollback()));
    // always, whatever the rollback list says: a node still frozen (recovery timed out before its
    // freeze was over) is resumed, or the stack could never be whole again
    for (String early : freezes.thawAll("resumed early by the rollback")) {
      notes.add(early + " was still frozen at the rollback and was resumed early");
    }
    // and a partition still in force is healed
    partitions.healAll("healed by the rollback");
    if (scenario.rollback().contains("remove_added_workers")) {
      for (Injected in : injected) {
        if (in.step().added() != null) {
          driver.removeWorker(in.step().added());
          events.add("madbase", Event.ROLLBACK, in.step().added(), "removed");
        }
      }
    }
    if (scenario.rollback().contains("restart_faulted")) {
      FaultContext ctx = context(obs, events, freezes, partitions, injected, "");
      RestartFaulted.startAgain(ctx, RestartFaulted.stillDown(ctx, ctx.before()));
    }
    try {
      new Wait(ROLLBACK_DEADLINE, Duration.ofMillis(250), Progress.NONE)
          .until("the stack to be whole again", () -> obs.stack(), "");
      events.add("madbase", Event.ROLLBACK, "", "stack healthy again");
    } catch (MadbaseException e) {
      notes.add("rollback did not bring the stack back to healthy: " + e.getMessage());
      events.add(
          "madbase",
          Event.ROLLBACK,
          "",
          "not healthy after " + ROLLBACK_DEADLINE.toSeconds() + " s");
    }
  }

  /**
   * A cut-off postgres node's own log says when it demoted itself: its REST API may not answer
   * while it does (Patroni's demotion holds it), so the log's time is the one the timeline uses.
   */
  private void readMemberLogs(List<Injected> injected, EventLog events, RunClock clock) {
    for (Injected in : injected) {
      String target = in.fault().target();
      if (in.fault().action() != Action.PARTITION
          || in.step().logOffset() < 0
          || driver.topology().of(Role.POSTGRES).stream().noneMatch(m -> m.name().equals(target))) {
        continue;
      }
      MemberLogs.first(
              clock, target, driver.logSince(target, in.step().logOffset()), MemberLogs.DEMOTION)
          .filter(e -> e.nanos() >= in.fault().nanos())
          .ifPresent(events::record);
    }
  }

  /** Every two seconds, a line about the probes for the live view. */
  private AutoCloseable ticker(Map<String, Probe> probes, OpLog ops) {
    var exec =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "probe-ticker");
              t.setDaemon(true);
              return t;
            });
    exec.scheduleAtFixedRate(
        () -> {
          List<String> parts = new ArrayList<>();
          for (var e : probes.entrySet()) {
            List<Op> list = ops.of(e.getKey());
            long ok = list.stream().filter(Op::ok).count();
            long bad = list.stream().filter(o -> !o.ok()).count();
            long held = list.stream().filter(o -> o.ok() && o.retries() > 0).count();
            String inFlight =
                e.getValue() instanceof GatewayProbe g && g.inFlight() > 0
                    ? " " + g.inFlight() + " in flight"
                    : "";
            parts.add(
                e.getKey()
                    + " "
                    + ok
                    + " ok "
                    + bad
                    + " failed"
                    + (held > 0 ? " " + held + " held" : "")
                    + inFlight);
          }
          listener.tick(String.join(" | ", parts));
        },
        2,
        2,
        java.util.concurrent.TimeUnit.SECONDS);
    return exec::shutdownNow;
  }

  /** The probes a scenario runs, by name, in a fixed order. */
  public static List<String> probeNameList(ScenarioSpec s) {
    var p = s.probes();
    List<String> out = new ArrayList<>();
    if (p.gatewayWriter() != null) {
      out.add("gateway_writer");
    }
    if (p.haproxyWriter() != null) {
      out.add("haproxy_writer");
    }
    if (p.replicaReader() != null) {
      out.add("replica_reader");
    }
    if (p.gatewayReader() != null) {
      out.add("gateway_reader");
    }
    if (p.functionCaller() != null) {
      out.add("function_caller");
    }
    if (p.redisWriter() != null) {
      out.add("redis_writer");
    }
    return out;
  }

  private static String probeNames(ScenarioSpec s) {
    List<String> l = probeNameList(s);
    return l.isEmpty() ? "none" : String.join(", ", l);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MadbaseException(ExitCode.CHECK_FAILED, "interrupted");
    }
  }
}
