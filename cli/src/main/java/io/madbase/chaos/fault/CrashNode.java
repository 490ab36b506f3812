package io.madbase.chaos.fault;

import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;
import java.util.List;

/** A postgres node crashes: Patroni, the postmaster and every child die at once. */
final class CrashNode implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String target = Targets.postgres(ctx, Action.CRASH_NODE, step);
    return Injection.of(ctx.inject(target, "crash", () -> ctx.faults().crash(target)), target)
        .stopping(List.of(target));
  }
}
