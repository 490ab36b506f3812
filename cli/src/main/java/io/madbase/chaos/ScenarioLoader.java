package io.madbase.chaos;

import io.madbase.MadbaseException;
import io.madbase.common.Signal;
import io.madbase.stack.InputFile;
import io.madbase.stack.Problems;
import io.madbase.stack.SpecException;
import io.madbase.stack.StackSpec;
import io.madbase.stack.YamlBinder;
import io.madbase.stack.YamlLocations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads scenarios: bundled ones by name (packaged from chaos-scenarios/), others by path. Every
 * problem in a file is reported at once with file, line and field (exit 2).
 */
public final class ScenarioLoader {
  /** The bundled scenarios, in the order `madbase chaos list` shows them. */
  static final String INDEX = "chaos-scenarios/scenarios.list";

  /** Actions that leave a member stopped, for restart_faulted to start again. */
  private static final Set<Action> STOPS =
      java.util.EnumSet.of(
          Action.CRASH_NODE,
          Action.STOP_NODE,
          Action.CRASH_ETCD_MEMBER,
          Action.CRASH_REDIS_MASTER,
          Action.SIGNAL_GATEWAY,
          Action.SIGNAL_WORKER);

  static final Set<String> ROLLBACKS = Set.of("restart_faulted", "remove_added_workers");
  static final Set<String> STEADY_STATES = Set.of("stack_healthy");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,40}");

  /**
   * The longest sleep or recovery wait of one step: a run is bounded in time, as madbase's loops
   * are (the --load beside it stops after an hour too); 60m where 60s was meant is refused.
   */
  static final Duration MAX_WAIT = Duration.ofHours(1);

  /** A node frozen longer than this is a node lost, not a pause: crash it instead. */
  static final Duration MAX_FREEZE = Duration.ofMinutes(10);

  private static final Pattern TARGET =
      Pattern.compile(
          "leader|replica|follower|majority|redis_master|etcd_leader|haproxy|(pg|e|r|s|gw|w)[1-9][0-9]?");

  /** Targets only a partition or a bandwidth cap takes: they may hit any member. */
  private static final Set<String> PARTITION_ONLY =
      Set.of("redis_master", "etcd_leader", "haproxy");

  /** The actions that change the network rather than a process. */
  private static final Set<Action> NETWORK =
      java.util.EnumSet.of(Action.PARTITION, Action.THROTTLE);

  private static final Pattern MEMBER = Pattern.compile("haproxy|(pg|e|r|s|gw|w)[1-9][0-9]?");

  /** A partition longer than this is a member lost: stop it instead. */
  static final Duration MAX_PARTITION = Duration.ofMinutes(10);

  private ScenarioLoader() {}

  /** A signal step's signal ends its process (TERM when not given); an unknown one is not. */
  private static boolean endsTheProcess(String signal) {
    if (signal == null) {
      return true;
    }
    try {
      return Signal.parse(signal).ends();
    } catch (IllegalArgumentException e) {
      return false; // reported as an unknown signal
    }
  }

  /** A loaded scenario, where it came from, and where each of its fields stands in the file. */
  public record Loaded(ScenarioSpec spec, String source, YamlLocations where) {}

  /** The names of the bundled scenarios. */
  public static List<String> bundled() {
    return read(INDEX)
        .orElseThrow(() -> new IllegalStateException("missing " + INDEX))
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  /**
   * The first sentence of a bundled scenario's description, read without binding the file: every
   * madbase command lists the bundled scenarios as subcommands, and binding all of them cost about
   * a second of start-up (the YAML and Jackson classes alone). A test holds it to the bound
   * description.
   */
  public static String bundledSummary(String name) {
    String resource = "chaos-scenarios/" + name + ".yaml";
    List<String> lines =
        read(resource)
            .orElseThrow(() -> new IllegalStateException("missing " + resource))
            .lines()
            .toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith("description:")) {
        continue;
      }
      String value = line.substring("description:".length()).strip();
      StringBuilder text = new StringBuilder();
      if (value.equals(">-") || value.equals(">") || value.equals("|") || value.equals("|-")) {
        for (int j = i + 1;
            j < lines.size() && (lines.get(j).startsWith(" ") || lines.get(j).isBlank());
            j++) {
          text.append(lines.get(j).strip()).append(' ');
        }
      } else {
        text.append(value.replaceAll("^[\"']|[\"']$", ""));
      }
      return firstSentence(text.toString());
    }
    return "";
  }

  /** A description's first sentence (up to ". "), or all of it. */
  public static String firstSentence(String d) {
    String s = d.strip();
    int dot = s.indexOf(". ");
    return dot < 0 ? s : s.substring(0, dot + 1);
  }

  /** A bundled scenario by name, or a file by path. */
  public static Loaded load(String nameOrPath) {
    if (bundled().contains(nameOrPath)) {
      String resource = "chaos-scenarios/" + nameOrPath + ".yaml";
      return parseLoaded(
          resource,
          read(resource).orElseThrow(() -> new IllegalStateException("missing " + resource)));
    }
    if (nameOrPath.isEmpty()) {
      throw MadbaseException.invalidInput(
          "the scenario name is empty (''): name a bundled one (madbase chaos list) or a file");
    }
    Path p = Path.of(nameOrPath);
    if (!InputFile.exists(p)) {
      throw MadbaseException.invalidInput(
          "no scenario '"
              + Problems.shown(nameOrPath)
              + "': not a bundled one ("
              + String.join(", ", bundled())
              + ") and no such file");
    }
    return parseLoaded(p.toString(), InputFile.read(p));
  }

  /**
   * Checks every member {@code loaded} names against the stack it is to run on: unknown members,
   * default targets the stack lacks, probes through a gateway it does not have (exit 2, naming the
   * file, line and field). Runs before anything touches the stack, dry run or not.
   */
  public static void checkAgainst(Loaded loaded, StackSpec stack) {
    Problems p = new Problems(loaded.source(), loaded.where());
    ScenarioTargets.checkAgainst(p, loaded.spec(), stack);
    p.throwIfAny();
  }

  /** Parses and validates a scenario; {@code source} names it in errors. */
  public static ScenarioSpec parse(String source, String text) {
    return parseLoaded(source, text).spec();
  }

  /** Parses and validates a scenario, and checks it against {@code stack}'s members. */
  public static ScenarioSpec parse(String source, String text, StackSpec stack) {
    Loaded loaded = parseLoaded(source, text);
    checkAgainst(loaded, stack);
    return loaded.spec();
  }

  private static Loaded parseLoaded(String source, String text) {
    YamlBinder.Bound<ScenarioSpec> b =
        YamlBinder.bind(
            source,
            text,
            ScenarioSpec.class,
            () -> {
              throw emptyFile(source);
            });
    Problems p = new Problems(source, b.where());
    validate(b.value(), p);
    p.throwIfAny();
    return new Loaded(b.value(), source, b.where());
  }

  private static SpecException emptyFile(String source) {
    return new SpecException(
        List.of(
            new io.madbase.stack.SpecError(
                source, 1, 1, "", "the scenario is empty: it needs at least a name and a method")));
  }

  /**
   * A duration, when it runs out, heals every partition and bandwidth cap in force at once (the
   * drivers remove them together), and a later network fault's duration replaces an earlier one's.
   * So a partition or throttle step that comes while another may still be in force is refused when
   * either has a duration: the run would end one of them earlier than its step says. "May still be
   * in force": made with no duration and no heal step since, or with a duration longer than the
   * sleep steps since (only sleeps count: how long other steps take is not known here).
   */
  static void checkNetworkOverlap(List<ScenarioSpec.Step> method, Problems p) {
    Integer inForce = null;
    Duration left = null;
    Duration slept = Duration.ZERO;
    for (int i = 0; i < method.size(); i++) {
      ScenarioSpec.Step st = method.get(i);
      Optional<Action> a = st.action() == null ? Optional.empty() : Action.find(st.action());
      if (a.isEmpty() || inForce == null && !NETWORK.contains(a.get())) {
        continue;
      }
      Action action = a.get();
      if (action == Action.HEAL) {
        inForce = null;
      } else if (action == Action.SLEEP && st.duration() != null) {
        slept = slept.plus(st.duration());
        if (left != null && slept.compareTo(left) >= 0) {
          inForce = null;
        }
      } else if (NETWORK.contains(action) && inForce == null) {
        inForce = i;
        left = st.duration();
        slept = Duration.ZERO;
      } else if (NETWORK.contains(action) && (left != null || st.duration() != null)) {
        ScenarioSpec.Step earlier = method.get(inForce);
        p.add(
            "method." + i + (st.duration() != null ? ".duration" : ""),
            "method."
                + inForce
                + "'s "
                + earlier.action()
                + " may still be in force here ("
                + (left == null
                    ? "it has no duration and no heal step came since"
                    : "its duration, "
                        + io.madbase.common.Durations.format(left)
                        + ", is longer than the sleeps since ("
                        + io.madbase.common.Durations.format(slept)
                        + ")")
                + "), and a duration heals every partition and bandwidth cap in force at once:"
                + " give neither a duration and end both with a heal step, or heal the first"
                + " before this one");
        return;
      }
    }
  }

  static void validate(ScenarioSpec s, Problems p) {
    if (s.name() == null) {
      p.add("name", "a scenario needs a name");
    } else if (!NAME.matcher(s.name()).matches()) {
      p.add(
          "name",
          "must be lowercase letters, digits and '-' (got '" + Problems.shown(s.name()) + "')");
    }
    for (int i = 0; i < s.steadyState().size(); i++) {
      if (!STEADY_STATES.contains(s.steadyState().get(i))) {
        p.add(
            "steady_state." + i,
            "unknown check '"
                + Problems.shown(s.steadyState().get(i))
                + "' (known: "
                + String.join(", ", STEADY_STATES)
                + ")");
      }
    }
    checkProbe(p, "gateway_writer", s.probes().gatewayWriter());
    checkProbe(p, "haproxy_writer", s.probes().haproxyWriter());
    checkProbe(p, "replica_reader", s.probes().replicaReader());
    checkProbe(p, "redis_writer", s.probes().redisWriter());
    checkProbe(p, "gateway_reader", s.probes().gatewayReader());
    checkProbe(p, "function_caller", s.probes().functionCaller());

    if (s.method().isEmpty()) {
      p.add("method", "the method needs at least one step, and one of them a fault");
    }
    boolean faultSeen = false;
    boolean stopSeen = false;
    for (int i = 0; i < s.method().size(); i++) {
      ScenarioSpec.Step st = s.method().get(i);
      String at = "method." + i;
      if (st.action() == null) {
        p.add(at, "a step needs an action (one of: " + Action.ids() + ")");
        continue;
      }
      Optional<Action> a = Action.find(st.action());
      if (a.isEmpty()) {
        p.add(
            at + ".action",
            "unknown action '" + Problems.shown(st.action()) + "' (known: " + Action.ids() + ")");
        continue;
      }
      Action action = a.get();
      faultSeen |= action.isFault();
      unused(p, at, action, "target", st.target());
      unused(p, at, action, "signal", st.signal());
      unused(p, at, action, "candidate", st.candidate());
      unused(p, at, action, "duration", st.duration());
      unused(p, at, action, "timeout", st.timeout());
      unused(p, at, action, "from", st.from());
      unused(p, at, action, "direction", st.direction());
      unused(p, at, action, "to", st.to());
      unused(p, at, action, "rate", st.rate());
      if (st.target() != null
          && action.fields().contains("target")
          && !TARGET.matcher(st.target()).matches()) {
        p.add(
            at + ".target",
            "'"
                + Problems.shown(st.target())
                + "' is not a target: leader, replica, follower, or a member name such as pg2, e1, gw1, w1");
      }
      if ("majority".equals(st.target()) && action != Action.CRASH_ETCD_MEMBER) {
        p.add(at + ".target", "only crash_etcd_member takes the target majority");
      } else if (st.target() != null
          && PARTITION_ONLY.contains(st.target())
          && !NETWORK.contains(action)) {
        p.add(at + ".target", "only partition and throttle take the target " + st.target());
      } else if (st.target() != null
          && action.fields().contains("target")
          && TARGET.matcher(st.target()).matches()) {
        ScenarioTargets.checkTarget(p, at, action, st.target());
      }
      if (st.candidate() != null && action.fields().contains("candidate")) {
        ScenarioTargets.checkCandidate(p, at, st.candidate());
      }
      if (action == Action.PARTITION) {
        checkPartition(p, at, st);
      } else if (action == Action.THROTTLE) {
        checkThrottle(p, at, st);
      }
      if (st.signal() != null && action.fields().contains("signal")) {
        try {
          Signal.parse(st.signal());
        } catch (IllegalArgumentException e) {
          p.add(
              at + ".signal",
              "unknown signal '"
                  + Problems.shown(st.signal())
                  + "' (known: TERM, KILL, INT, HUP, STOP, CONT)");
        }
      }
      if (action == Action.SLEEP && (st.duration() == null || !positive(st.duration()))) {
        p.add(
            at + (st.duration() == null ? "" : ".duration"),
            "sleep needs a duration longer than zero, such as 5s");
      } else if (action == Action.SLEEP && st.duration().compareTo(MAX_WAIT) > 0) {
        p.add(at + ".duration", "at most " + MAX_WAIT.toMinutes() + "m (a run is bounded in time)");
      }
      if (action == Action.FREEZE_NODE) {
        if (st.duration() == null || !positive(st.duration())) {
          p.add(
              at + (st.duration() == null ? "" : ".duration"),
              "freeze_node needs a duration longer than zero: how long the node stays frozen, such as 20s");
        } else if (st.duration().compareTo(MAX_FREEZE) > 0) {
          p.add(at + ".duration", "at most " + MAX_FREEZE.toMinutes() + "m");
        }
      }
      if (action == Action.RESTART_FAULTED && !stopSeen) {
        p.add(
            at + ".action",
            "restart_faulted needs a step before it that stops a member (crash_node, stop_node,"
                + " crash_etcd_member, crash_redis_master, or signal_gateway / signal_worker with"
                + " TERM, KILL or INT)");
      }
      stopSeen |= STOPS.contains(action) && endsTheProcess(st.signal());
      if (action == Action.AWAIT_RECOVERY && !faultSeen) {
        p.add(at + ".action", "await_recovery needs a fault before it");
      }
      if (st.timeout() != null && !positive(st.timeout())) {
        p.add(at + ".timeout", "must be longer than zero");
      } else if (st.timeout() != null && st.timeout().compareTo(MAX_WAIT) > 0) {
        p.add(at + ".timeout", "at most " + MAX_WAIT.toMinutes() + "m (a run is bounded in time)");
      }
    }
    checkNetworkOverlap(s.method(), p);
    if (!s.method().isEmpty() && !faultSeen) {
      p.add(
          "method",
          "the method has no fault (one of: "
              + java.util.Arrays.stream(Action.values())
                  .filter(Action::isFault)
                  .map(Action::id)
                  .collect(java.util.stream.Collectors.joining(", "))
              + ")");
    }
    for (int i = 0; i < s.rollback().size(); i++) {
      if (!ROLLBACKS.contains(s.rollback().get(i))) {
        p.add(
            "rollback." + i,
            "unknown rollback '"
                + Problems.shown(s.rollback().get(i))
                + "' (known: remove_added_workers, restart_faulted)");
      }
    }
    checkSlo(s, p);
  }

  private static void checkPartition(Problems p, String at, ScenarioSpec.Step st) {
    oneMember(p, at, st, "partition cuts off one member");
    if (st.from() != null) {
      checkMembers(p, at + ".from", st.from(), "cut the target off from, such as [etcd, postgres]");
    }
    if (st.direction() != null
        && io.madbase.driver.FaultInjector.Direction.find(st.direction()).isEmpty()) {
      p.add(
          at + ".direction",
          "unknown direction '"
              + st.direction()
              + "' (known: both, outgoing: the target cannot reach them, incoming: they cannot"
              + " reach the target)");
    }
    checkNetworkDuration(p, at, st);
  }

  private static void checkThrottle(Problems p, String at, ScenarioSpec.Step st) {
    oneMember(p, at, st, "throttle slows one member's traffic");
    if (st.to() != null) {
      checkMembers(p, at + ".to", st.to(), "slow the target's traffic to, such as [postgres]");
    }
    if (st.rate() == null) {
      p.add(at, "throttle needs a rate: the cap, such as 64kbit or 1mbit");
    } else {
      try {
        io.madbase.driver.BitRate r = io.madbase.driver.BitRate.parse(st.rate());
        if (r.bitsPerSecond() < io.madbase.driver.BitRate.MIN.bitsPerSecond()
            || r.bitsPerSecond() > io.madbase.driver.BitRate.MAX.bitsPerSecond()) {
          p.add(
              at + ".rate",
              "must be from "
                  + io.madbase.driver.BitRate.MIN
                  + " (below it a connection's own acknowledgements fill the link) to "
                  + io.madbase.driver.BitRate.MAX
                  + " (got "
                  + r
                  + ")");
        }
      } catch (IllegalArgumentException e) {
        p.add(at + ".rate", e.getMessage());
      }
    }
    checkNetworkDuration(p, at, st);
  }

  private static void oneMember(Problems p, String at, ScenarioSpec.Step st, String what) {
    if ("follower".equals(st.target()) || "majority".equals(st.target())) {
      p.add(
          at + ".target",
          what
              + ": leader, replica, redis_master, etcd_leader or a name such as pg2, r1, e1,"
              + " haproxy");
    }
  }

  /** A partition's {@code from} or a throttle's {@code to}: groups and member names. */
  private static void checkMembers(Problems p, String at, List<String> names, String what) {
    if (names.isEmpty()) {
      p.add(at, "name what to " + what);
    }
    for (int j = 0; j < names.size(); j++) {
      String g = names.get(j);
      if (g == null || (!PartitionGroups.GROUPS.containsKey(g) && !MEMBER.matcher(g).matches())) {
        p.add(
            at + "." + j,
            "'"
                + g
                + "' is neither a group ("
                + String.join(", ", new java.util.TreeSet<>(PartitionGroups.GROUPS.keySet()))
                + ") nor a member name such as pg2, e1, r1, s1, haproxy");
      }
    }
  }

  private static void checkNetworkDuration(Problems p, String at, ScenarioSpec.Step st) {
    if (st.duration() != null) {
      if (!positive(st.duration())) {
        p.add(at + ".duration", "must be longer than zero");
      } else if (st.duration().compareTo(MAX_PARTITION) > 0) {
        p.add(at + ".duration", "at most " + MAX_PARTITION.toMinutes() + "m");
      }
    }
  }

  private static void checkProbe(Problems p, String name, ScenarioSpec.ProbeSettings settings) {
    if (settings == null) {
      return;
    }
    if (settings.interval() != null && settings.interval().compareTo(Duration.ofMillis(10)) < 0) {
      p.add("probes." + name + ".interval", "must be at least 10ms");
    }
    if (settings.delay() != null && !name.equals("function_caller")) {
      p.add("probes." + name + ".delay", "only function_caller uses a delay");
    }
  }

  private static void checkSlo(ScenarioSpec s, Problems p) {
    var slo = s.slo();
    var probes = s.probes();
    boolean writer =
        probes.gatewayWriter() != null
            || probes.haproxyWriter() != null
            || probes.redisWriter() != null;
    nonNegative(p, "slo.failed_gateway_requests", slo.failedGatewayRequests());
    nonNegative(p, "slo.failed_haproxy_writes", slo.failedHaproxyWrites());
    nonNegative(p, "slo.failed_redis_writes", slo.failedRedisWrites());
    nonNegative(p, "slo.lost_acknowledged_writes", slo.lostAcknowledgedWrites());
    nonNegative(p, "slo.split_brain", slo.splitBrain());
    nonNegative(p, "slo.stale_route", slo.staleRoute());
    nonNegative(p, "slo.failed_in_flight_requests", slo.failedInFlightRequests());
    nonNegative(p, "slo.leader_changes", slo.leaderChanges());
    nonNegative(p, "slo.stale_replica_route", slo.staleReplicaRoute());
    if (slo.staleReplicaRoute() != null && probes.replicaReader() == null) {
      p.add("slo.stale_replica_route", "needs the replica_reader probe");
    }
    if (slo.loadReadsCompleted() != null
        && (slo.loadReadsCompleted() < 0 || slo.loadReadsCompleted() > 100)) {
      p.add("slo.load_reads_completed", "a percentage: 0 to 100");
    }
    if (slo.writeUnavailability() != null
        && probes.gatewayWriter() == null
        && probes.haproxyWriter() == null) {
      p.add(
          "slo.write_unavailability",
          "needs a gateway_writer or haproxy_writer probe to measure it");
    }
    if (slo.lostAcknowledgedWrites() != null && !writer) {
      p.add(
          "slo.lost_acknowledged_writes",
          "needs a writer probe (gateway_writer, haproxy_writer or redis_writer)");
    }
    if (slo.failedGatewayRequests() != null
        && probes.gatewayWriter() == null
        && probes.gatewayReader() == null
        && probes.functionCaller() == null) {
      p.add(
          "slo.failed_gateway_requests",
          "needs a probe through the gateway (gateway_writer, gateway_reader or function_caller)");
    }
    if (slo.failedHaproxyWrites() != null && probes.haproxyWriter() == null) {
      p.add("slo.failed_haproxy_writes", "needs the haproxy_writer probe");
    }
    if (slo.failedRedisWrites() != null && probes.redisWriter() == null) {
      p.add("slo.failed_redis_writes", "needs the redis_writer probe");
    }
    boolean adds = s.method().stream().anyMatch(st -> Action.ADD_WORKER.id().equals(st.action()));
    if (slo.discoveryTime() != null && (!adds || probes.functionCaller() == null)) {
      p.add("slo.discovery_time", "needs an add_worker step and the function_caller probe");
    }
    boolean signals =
        s.method().stream()
            .anyMatch(
                st ->
                    Action.SIGNAL_GATEWAY.id().equals(st.action())
                        || Action.SIGNAL_WORKER.id().equals(st.action()));
    if (slo.cleanExit() != null && !signals) {
      p.add("slo.clean_exit", "needs a signal_gateway or signal_worker step");
    }
    if (slo.failedInFlightRequests() != null && probes.functionCaller() == null) {
      p.add(
          "slo.failed_in_flight_requests",
          "needs the function_caller probe (its calls are the requests in flight)");
    }
    for (var d :
        List.of(
            new Object[] {"slo.write_unavailability", slo.writeUnavailability()},
            new Object[] {"slo.recovery_time", slo.recoveryTime()},
            new Object[] {"slo.discovery_time", slo.discoveryTime()},
            new Object[] {"slo.load_reads_p99", slo.loadReadsP99()})) {
      if (d[1] != null && !positive((Duration) d[1])) {
        p.add((String) d[0], "must be longer than zero");
      }
    }
  }

  private static void unused(Problems p, String at, Action action, String field, Object value) {
    if (value != null && !action.fields().contains(field)) {
      p.add(
          at + "." + field,
          action.id()
              + " does not use '"
              + field
              + "'"
              + (action.fields().isEmpty()
                  ? ""
                  : " (it uses: "
                      + String.join(", ", new java.util.TreeSet<>(action.fields()))
                      + ")"));
    }
  }

  private static void nonNegative(Problems p, String field, Integer v) {
    if (v != null && v < 0) {
      p.add(field, "must not be negative");
    }
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  private static Optional<String> read(String resource) {
    try (InputStream in = ScenarioLoader.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null
          ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
