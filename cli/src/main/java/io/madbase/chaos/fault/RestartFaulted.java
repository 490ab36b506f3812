package io.madbase.chaos.fault;

import io.madbase.chaos.Event;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.driver.NodeInfo;
import io.madbase.driver.Progress;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Starts again every member the earlier steps stopped that is still down, while the method goes on
 * (an etcd majority back after an outage); the rollback's restart_faulted does the same at the end.
 */
public final class RestartFaulted implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    List<String> down = stillDown(ctx, ctx.before());
    Set<String> etcd =
        ctx.topology().of(Role.ETCD).stream().map(Member::name).collect(Collectors.toSet());
    int etcdDown = (int) down.stream().filter(etcd::contains).count();
    String target = String.join(" ", down);
    Event fault =
        ctx.inject(
            target, down.isEmpty() ? "restart: nothing is down" : "restart of " + target, () -> "");
    startAgain(ctx, down);
    return new Injection(fault, target, List.of(), null, -1, etcdDown);
  }

  /** The members the steps stopped that are not running now, each once, in the order stopped. */
  public static List<String> stillDown(FaultContext ctx, List<Injection> steps) {
    Set<String> alive =
        ctx.stack().nodes().stream()
            .filter(NodeInfo::alive)
            .map(NodeInfo::name)
            .collect(Collectors.toSet());
    return steps.stream()
        .flatMap(i -> i.stopped().stream())
        .distinct()
        .filter(n -> !alive.contains(n))
        .toList();
  }

  /** Starts {@code members} again, each noted on the timeline. */
  public static void startAgain(FaultContext ctx, List<String> members) {
    for (String n : members) {
      String how = ctx.faults().restart(n, Progress.NONE);
      ctx.events().add("madbase", Event.ROLLBACK, n, "restarted (" + how + ")");
    }
  }
}
