package io.madbase.chaos.fault;

import io.madbase.chaos.Event;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.driver.Progress;
import java.util.List;

/** A new worker starts and joins the gateway's discovery list. */
final class AddWorker implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    Event fault = ctx.inject("", "a new worker starts", () -> "");
    String added = ctx.stack().addWorker(Progress.NONE);
    ctx.events().add("madbase", Event.WORKER_STARTED, added, "healthy; on the discovery list");
    return new Injection(fault, added, List.of(), added, -1, 0);
  }
}
