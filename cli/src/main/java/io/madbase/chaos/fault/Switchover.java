package io.madbase.chaos.fault;

import io.madbase.chaos.Event;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.stack.Member;

/** A planned switchover through Patroni's REST API, away from the current leader. */
final class Switchover implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String leader = ctx.leader();
    if (leader.isEmpty()) {
      throw new io.madbase.MadbaseException(
          io.madbase.ExitCode.CHECK_FAILED, "no Patroni leader to switch over from");
    }
    Member node = ctx.topology().member(leader);
    Event fault =
        ctx.inject(
            leader,
            "switchover" + (step.candidate() == null ? "" : " to " + step.candidate()),
            () -> "");
    // Patroni answers when the switchover is done: in the background, so watchers keep the time
    Thread t =
        new Thread(
            () -> {
              var r = ctx.observer().patroni(node).switchover(leader, step.candidate());
              ctx.events()
                  .add("patroni", "switchover_answer", leader, r.status() + " " + r.body().strip());
            },
            "switchover");
    t.setDaemon(true);
    t.start();
    return Injection.of(fault, leader);
  }
}
