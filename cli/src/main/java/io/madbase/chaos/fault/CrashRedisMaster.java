package io.madbase.chaos.fault;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.chaos.ScenarioSpec;
import java.util.List;

/** The Redis master the Sentinels name crashes; they fail over to a replica. */
final class CrashRedisMaster implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String target = ctx.redisMaster();
    if (target.isEmpty()) {
      throw new MadbaseException(ExitCode.CHECK_FAILED, "the sentinels name no Redis master");
    }
    return Injection.of(
            ctx.inject(target, "crash of the Redis master", () -> ctx.faults().crash(target)),
            target)
        .stopping(List.of(target));
  }
}
