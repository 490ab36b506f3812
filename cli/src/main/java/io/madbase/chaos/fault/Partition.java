package io.madbase.chaos.fault;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.chaos.Action;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.common.Durations;
import io.madbase.driver.FaultInjector;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A member cut off from others on the network: the leader from etcd and the other postgres nodes, a
 * Redis master from its replicas and the Sentinels, the etcd raft leader from the other members.
 * Healed after the step's duration, by a heal step, or by the rollback.
 */
final class Partition implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    String target = target(ctx, Targets.named(Action.PARTITION, step));
    List<String> from = from(ctx, target, step.from());
    FaultInjector.Direction direction =
        step.direction() == null
            ? FaultInjector.Direction.BOTH
            : FaultInjector.Direction.find(step.direction()).orElseThrow();
    FaultInjector.Cut cut = new FaultInjector.Cut(List.of(target), from, direction);
    Duration d = step.duration();
    // the target's log from here on: what it did while cut off, in its own words and times
    long logOffset = ctx.stack().logOffset(target);
    Injection in =
        Injection.of(
            ctx.inject(
                target,
                "cut off from "
                    + String.join(" ", from)
                    + (direction == FaultInjector.Direction.BOTH
                        ? ""
                        : " (" + direction.id() + " only)")
                    + (d == null ? "" : " for " + Durations.format(d)),
                () -> ctx.partitions().partition(cut, d)),
            target);
    return new Injection(in.fault(), target, List.of(), null, logOffset, 0);
  }

  /** leader, replica, redis_master, etcd_leader, or a member name. */
  static String target(FaultContext ctx, String t) {
    return switch (t) {
      case "leader", "replica" ->
          Targets.postgres(
              ctx,
              Action.PARTITION,
              new ScenarioSpec.Step(
                  "partition", t, null, null, null, null, null, null, null, null));
      case "redis_master" -> {
        if (ctx.redisMaster().isEmpty()) {
          throw new MadbaseException(ExitCode.CHECK_FAILED, "the Sentinels name no Redis master");
        }
        yield ctx.redisMaster();
      }
      case "etcd_leader" -> CrashEtcdMember.etcdLeader(ctx);
      default ->
          ctx.topology().members().stream()
              .map(Member::name)
              .filter(t::equals)
              .findFirst()
              .orElseThrow(
                  () ->
                      MadbaseException.invalidInput(
                          "target '" + t + "' is not a member of this stack"));
    };
  }

  /** The members {@code groups} name, the target left out. */
  static List<String> from(FaultContext ctx, String target, List<String> groups) {
    Set<String> out = new LinkedHashSet<>();
    for (String g : groups == null ? List.of("everyone") : groups) {
      Set<Role> roles = io.madbase.chaos.PartitionGroups.GROUPS.get(g);
      if (roles != null) {
        ctx.topology().members().stream()
            .filter(m -> roles.contains(m.role()))
            .map(Member::name)
            .forEach(out::add);
      } else {
        out.add(
            ctx.topology().members().stream()
                .map(Member::name)
                .filter(g::equals)
                .findFirst()
                .orElseThrow(
                    () ->
                        MadbaseException.invalidInput(
                            "partition from '" + g + "': not a member of this stack")));
      }
    }
    out.remove(target);
    if (out.isEmpty()) {
      throw MadbaseException.invalidInput("partition of " + target + " from nobody");
    }
    return new ArrayList<>(out);
  }
}
