package io.madbase.chaos.fault;

import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.common.Durations;

/** A postgres node hangs for the step's duration, then resumes where it stopped. */
final class FreezeNode implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String target = Targets.postgres(ctx, Action.FREEZE_NODE, step);
    return Injection.of(
        ctx.inject(
            target,
            "frozen for " + Durations.format(step.duration()),
            () -> ctx.freezes().freeze(target, step.duration()).how()),
        target);
  }
}
