package io.madbase.chaos.fault;

import io.madbase.chaos.ScenarioSpec;

/** Heals every partition the run made, now. */
final class Heal implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    return Injection.of(
        ctx.inject(
            "",
            ctx.partitions().active() ? "partition healed" : "heal: no partition in force",
            () -> ctx.partitions().healAll("healed by the method")),
        "");
  }
}
