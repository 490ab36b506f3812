package io.madbase.chaos.fault;

import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.common.Signal;
import io.madbase.stack.Role;
import java.util.List;

/** A signal to a gateway or a worker (SIGTERM by default: a graceful shutdown). */
final class SignalMember implements FaultStep {
  private final Action action;

  SignalMember(Action action) {
    this.action = action;
  }

  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    Role role = action == Action.SIGNAL_GATEWAY ? Role.GATEWAY : Role.WORKER;
    String target = Targets.member(ctx.topology(), Targets.named(action, step), role);
    Signal sig = step.signal() == null ? Signal.TERM : Signal.parse(step.signal());
    long logOffset = ctx.stack().logOffset(target);
    var fault = ctx.inject(target, "SIG" + sig, () -> ctx.faults().signal(target, sig));
    Injection in = new Injection(fault, target, List.of(), null, logOffset, 0);
    return sig.ends() ? in.stopping(List.of(target)) : in;
  }
}
