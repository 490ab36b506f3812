package io.madbase.chaos.fault;

import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.common.Signal;
import java.util.List;

/** Patroni on a node stops cleanly (SIGTERM): it demotes and gives up the leader key. */
final class StopNode implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String target = Targets.postgres(ctx, Action.STOP_NODE, step);
    return Injection.of(
            ctx.inject(target, "clean stop", () -> ctx.faults().signal(target, Signal.TERM)),
            target)
        .stopping(List.of(target));
  }
}
