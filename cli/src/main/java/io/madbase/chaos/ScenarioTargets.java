package io.madbase.chaos;

import io.madbase.stack.Problems;
import io.madbase.stack.Role;
import io.madbase.stack.StackSpec;
import io.madbase.stack.Topology;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The members a scenario names, checked when it loads rather than when its step runs (issue 13: an
 * unknown member used to fail only after the steady state, the probes and earlier faults). Two
 * passes: {@link #checkKinds} needs no stack (a crash_node aimed at an etcd member is wrong on any
 * stack); {@link #checkAgainst} looks each name up in the stack's {@link Topology}.
 */
final class ScenarioTargets {
  private ScenarioTargets() {}

  private static final Pattern MEMBER = Pattern.compile("(pg|e|r|s|gw|w)([1-9][0-9]?)");

  /** What a target names: a role (leader, replica, follower, majority) or a member of a role. */
  private record Named(String word, Role role, int index) {
    boolean isMember() {
      return role != null;
    }
  }

  private static Named read(String target) {
    Matcher m = MEMBER.matcher(target);
    if (!m.matches()) {
      return new Named(target, null, 0);
    }
    Role role =
        switch (m.group(1)) {
          case "pg" -> Role.POSTGRES;
          case "e" -> Role.ETCD;
          case "r" -> Role.REDIS;
          case "s" -> Role.SENTINEL;
          case "gw" -> Role.GATEWAY;
          default -> Role.WORKER;
        };
    return new Named(target, role, Integer.parseInt(m.group(2)));
  }

  /** The role whose members {@code action}'s target names. */
  private static Optional<Role> roleOf(Action action) {
    return switch (action) {
      case CRASH_NODE, STOP_NODE, KILL_POSTGRES, FREEZE_NODE -> Optional.of(Role.POSTGRES);
      case SIGNAL_GATEWAY -> Optional.of(Role.GATEWAY);
      case SIGNAL_WORKER -> Optional.of(Role.WORKER);
      case CRASH_ETCD_MEMBER -> Optional.of(Role.ETCD);
      default -> Optional.empty();
    };
  }

  /** The words (besides member names) {@code action}'s target takes. */
  private static List<String> words(Action action) {
    return switch (action) {
      case CRASH_NODE, STOP_NODE, KILL_POSTGRES, FREEZE_NODE -> List.of("leader", "replica");
      case CRASH_ETCD_MEMBER -> List.of("leader", "follower", "majority");
      default -> List.of();
    };
  }

  private static String takes(Action action) {
    return switch (action) {
      case CRASH_NODE, STOP_NODE, KILL_POSTGRES, FREEZE_NODE ->
          "a postgres node: leader, replica or a name such as pg2";
      case SIGNAL_GATEWAY -> "a gateway: a name such as gw1";
      case SIGNAL_WORKER -> "a worker: a name such as w1";
      case CRASH_ETCD_MEMBER -> "an etcd member: leader, follower, majority or a name such as e2";
      default -> "no target";
    };
  }

  /**
   * {@code target} (of a step at {@code at} in the file) is of the kind {@code action} hits: a
   * postgres node for crash_node, a gateway for signal_gateway, and so on. Text that is no target
   * at all is reported by the loader before this runs.
   */
  static void checkTarget(Problems p, String at, Action action, String target) {
    Optional<Role> role = roleOf(action);
    if (role.isEmpty()) {
      return;
    }
    Named n = read(target);
    boolean fits = n.isMember() ? n.role() == role.get() : words(action).contains(n.word());
    if (!fits) {
      p.add(
          at + ".target",
          action.id()
              + " takes "
              + takes(action)
              + " (got '"
              + target
              + "'"
              + (n.isMember() ? ", " + article(n.role()) : "")
              + ")");
    }
  }

  /** A switchover's candidate is a postgres node, by name. */
  static void checkCandidate(Problems p, String at, String candidate) {
    if (read(candidate).role() != Role.POSTGRES) {
      p.add(
          at + ".candidate",
          "the candidate is the postgres node to promote, by name such as pg2 (got '"
              + Problems.shown(candidate)
              + "')");
    }
  }

  /**
   * Every member the scenario names exists in {@code stack}: targets (given or by default),
   * switchover candidates, and the members its probes go through.
   */
  static void checkAgainst(Problems p, ScenarioSpec s, StackSpec stack) {
    Topology topology = Topology.local(stack);
    int workers = stack.workers().count();
    for (int i = 0; i < s.method().size(); i++) {
      ScenarioSpec.Step st = s.method().get(i);
      Optional<Action> found = st.action() == null ? Optional.empty() : Action.find(st.action());
      if (found.isEmpty()) {
        continue; // reported by the loader
      }
      Action action = found.get();
      String at = "method." + i;
      if (action == Action.ADD_WORKER) {
        workers++; // the worker it starts can be a later step's target
        continue;
      }
      if (action == Action.SWITCHOVER) {
        checkSwitchover(p, at, st, topology, stack);
        continue;
      }
      Optional<Role> role = roleOf(action);
      if (role.isEmpty()) {
        continue;
      }
      boolean given = st.target() != null;
      String target = given ? st.target() : action.defaultTarget();
      String field = given ? at + ".target" : at;
      String what = given ? "" : action.id() + "'s default target ";
      Named n = read(target);
      if (n.isMember() && n.role() != role.get()) {
        continue; // a kind problem, reported by checkKind
      }
      int count = role.get() == Role.WORKER ? workers : topology.of(role.get()).size();
      if (n.isMember() && n.index() > count) {
        p.add(field, what + "'" + target + "': " + have(stack, role.get(), count));
      } else if ("replica".equals(target) && count < 2) {
        p.add(field, what + "'replica': " + have(stack, role.get(), count) + ", so no replica");
      } else if ("follower".equals(target) && count < 2) {
        p.add(field, what + "'follower': " + have(stack, role.get(), count) + ", so no follower");
      }
    }
    var probes = s.probes();
    int gateways = stack.gateway().instances();
    for (var probe :
        List.of(
            new Object[] {"gateway_writer", probes.gatewayWriter()},
            new Object[] {"gateway_reader", probes.gatewayReader()},
            new Object[] {"function_caller", probes.functionCaller()})) {
      if (probe[1] != null && gateways == 0) {
        p.add(
            "probes." + probe[0],
            "probes through the gateway, and this stack has none (gateway.instances: 0)");
      }
    }
    if (probes.functionCaller() != null && gateways > 0 && stack.workers().count() == 0) {
      p.add(
          "probes.function_caller",
          "calls the workers, and this stack has none to call before the fault (workers.count: 0)");
    }
    if (probes.replicaReader() != null && stack.postgres().nodes() < 2) {
      p.add(
          "probes.replica_reader",
          "reads from a replica, and this stack has one postgres node (postgres.nodes: 1)");
    }
  }

  private static void checkSwitchover(
      Problems p, String at, ScenarioSpec.Step st, Topology topology, StackSpec stack) {
    int nodes = topology.of(Role.POSTGRES).size();
    if (nodes < 2) {
      p.add(
          st.candidate() != null ? at + ".candidate" : at + ".action",
          "a switchover needs a replica to promote: " + have(stack, Role.POSTGRES, nodes));
      return;
    }
    if (st.candidate() == null) {
      return;
    }
    Named n = read(st.candidate());
    if (n.role() == Role.POSTGRES && n.index() > nodes) {
      p.add(at + ".candidate", "'" + st.candidate() + "': " + have(stack, Role.POSTGRES, nodes));
    }
  }

  /** "this stack has pg1, pg2, pg3 (postgres.nodes: 3)", or has none. */
  private static String have(StackSpec stack, Role role, int count) {
    String setting =
        switch (role) {
          case POSTGRES -> "postgres.nodes: " + stack.postgres().nodes();
          case ETCD -> "etcd.members: " + stack.etcd().members();
          case GATEWAY -> "gateway.instances: " + stack.gateway().instances();
          case WORKER -> "workers.count: " + stack.workers().count();
          case REDIS -> "redis.nodes: " + stack.redis().nodes();
          case SENTINEL -> "sentinel.count: " + stack.sentinel().count();
          case HAPROXY -> "one";
        };
    String plural = plural(role);
    if (count == 0) {
      return "this stack has no " + plural + " (" + setting + ")";
    }
    String names =
        java.util.stream.IntStream.rangeClosed(1, count)
            .mapToObj(i -> Topology.name(role, i))
            .collect(Collectors.joining(", "));
    boolean added = role == Role.WORKER && count > stack.workers().count();
    return "this stack has "
        + (count == 1 ? "one " + singular(role) + ", " + names : plural + " " + names)
        + " ("
        + setting
        + (added ? ", and add_worker steps before this one" : "")
        + ")";
  }

  private static String singular(Role role) {
    return switch (role) {
      case POSTGRES -> "postgres node";
      case ETCD -> "etcd member";
      case GATEWAY -> "gateway";
      case WORKER -> "worker";
      case REDIS -> "redis node";
      case SENTINEL -> "sentinel";
      case HAPROXY -> "haproxy";
    };
  }

  private static String plural(Role role) {
    return switch (role) {
      case POSTGRES -> "postgres nodes";
      case ETCD -> "etcd members";
      case GATEWAY -> "gateways";
      case WORKER -> "workers";
      case REDIS -> "redis nodes";
      case SENTINEL -> "sentinels";
      case HAPROXY -> "haproxy";
    };
  }

  private static String article(Role role) {
    String s = singular(role);
    return (s.startsWith("e") ? "an " : "a ") + s;
  }
}
