package io.madbase.chaos.fault;

import io.madbase.chaos.Action;
import io.madbase.chaos.PartitionGroups;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.common.Durations;
import io.madbase.driver.BitRate;
import io.madbase.driver.FaultInjector;
import java.time.Duration;
import java.util.List;

/**
 * A slow link: what a member sends to others capped at a rate (the leader's replication stream to
 * its replicas, by default). Nothing fails; the replicas fall behind when the primary writes more
 * than the link carries, and a failover then loses, or waits for, what they have not received.
 * Healed after the step's duration, by a heal step, or by the rollback.
 */
final class Throttle implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String target = Partition.target(ctx, Targets.named(Action.THROTTLE, step));
    List<String> to = Partition.from(ctx, target, to(ctx, target, step.to()));
    BitRate rate = BitRate.parse(step.rate());
    FaultInjector.Throttle t = new FaultInjector.Throttle(target, to, rate);
    Duration d = step.duration();
    return Injection.of(
        ctx.inject(
            target,
            "what it sends to "
                + String.join(" ", to)
                + " capped at "
                + rate
                + (d == null ? "" : " for " + Durations.format(d)),
            () -> ctx.partitions().throttle(t, d)),
        target);
  }

  /** The step's {@code to}, or the group of the target's kind (postgres for the leader). */
  static List<String> to(FaultContext ctx, String target, List<String> given) {
    if (given != null) {
      return given;
    }
    return PartitionGroups.peers(ctx.topology(), target)
        .map(List::of)
        .orElseThrow(
            () ->
                io.madbase.MadbaseException.invalidInput(
                    "throttle of "
                        + target
                        + ": name whom its traffic goes to (to: [...]); only postgres, redis and"
                        + " etcd members have a default (the others of their kind)"));
  }
}
