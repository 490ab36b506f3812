package io.madbase.chaos.fault;

import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.common.Signal;

/** Only the postmaster dies (SIGKILL by default); Patroni restarts it on the same node. */
final class KillPostgres implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String target = Targets.postgres(ctx, Action.KILL_POSTGRES, step);
    Signal sig = step.signal() == null ? Signal.KILL : Signal.parse(step.signal());
    return Injection.of(
        ctx.inject(
            target, "SIG" + sig + " to postgres", () -> ctx.faults().signalPostgres(target, sig)),
        target);
  }
}
