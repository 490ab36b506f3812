package io.madbase.chaos.fault;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import io.madbase.stack.Topology;
import java.util.stream.Collectors;

/** Which member a step hits: a name, or a role in the running stack (the leader, a replica). */
final class Targets {
  private Targets() {}

  /** The step's target, or the action's default. */
  static String named(Action action, ScenarioSpec.Step step) {
    return step.target() != null ? step.target() : action.defaultTarget();
  }

  /** A postgres node: {@code leader}, {@code replica} (the first that does not lead), or a name. */
  static String postgres(FaultContext ctx, Action action, ScenarioSpec.Step step) {
    String t = named(action, step);
    if ("leader".equals(t)) {
      if (ctx.leader().isEmpty()) {
        throw new MadbaseException(ExitCode.CHECK_FAILED, "no Patroni leader to hit");
      }
      return ctx.leader();
    }
    if ("replica".equals(t)) {
      return ctx.topology().of(Role.POSTGRES).stream()
          .map(Member::name)
          .filter(n -> !n.equals(ctx.leader()))
          .findFirst()
          .orElseThrow(() -> new MadbaseException(ExitCode.CHECK_FAILED, "no replica to hit"));
    }
    return member(ctx.topology(), t, Role.POSTGRES);
  }

  /** A member of {@code role} by name; exit 2 naming the members there are. */
  static String member(Topology topology, String name, Role role) {
    return topology.of(role).stream()
        .map(Member::name)
        .filter(name::equals)
        .findFirst()
        .orElseThrow(
            () ->
                MadbaseException.invalidInput(
                    "target '"
                        + name
                        + "' is not a "
                        + role.label()
                        + " of this stack ("
                        + topology.of(role).stream()
                            .map(Member::name)
                            .collect(Collectors.joining(", "))
                        + ")"));
  }
}
