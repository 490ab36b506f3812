package io.madbase.chaos.fault;

import io.madbase.ExitCode;
import io.madbase.MadbaseException;
import io.madbase.chaos.Action;
import io.madbase.chaos.Event;
import io.madbase.chaos.ScenarioSpec;
import io.madbase.observe.EtcdHealth;
import io.madbase.stack.Member;
import io.madbase.stack.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * etcd members crash: the raft leader, a follower, a named member, or a majority (the leader first,
 * then followers that answer, until no majority is left).
 */
final class CrashEtcdMember implements FaultStep {
  @Override
  public Injection inject(FaultContext ctx, ScenarioSpec.Step step) {
    List<String> hit = targets(ctx, Targets.named(Action.CRASH_ETCD_MEMBER, step));
    String target = String.join(" ", hit);
    Event fault =
        ctx.inject(
            target,
            hit.size() == 1
                ? "crash of an etcd member"
                : "crash of " + hit.size() + " etcd members: no majority left",
            () -> {
              String how = "";
              for (String m : hit) {
                how = ctx.faults().crash(m);
              }
              return how;
            });
    int down =
        (int)
            ctx.stack().nodes().stream()
                .filter(n -> n.role() == Role.ETCD && (!n.alive() || hit.contains(n.name())))
                .count();
    return new Injection(fault, target, hit, null, -1, down);
  }

  /** The etcd raft leader now. */
  static String etcdLeader(FaultContext ctx) {
    return targets(ctx, "leader").get(0);
  }

  private static List<String> targets(FaultContext ctx, String t) {
    List<Member> etcd = ctx.topology().of(Role.ETCD);
    Map<String, Optional<EtcdHealth.Status>> status = new LinkedHashMap<>();
    for (Member m : etcd) {
      status.put(m.name(), ctx.observer().etcdHealth(m, Duration.ofSeconds(1)).status());
    }
    Optional<String> leader =
        status.entrySet().stream()
            .filter(e -> e.getValue().map(EtcdHealth.Status::leader).orElse(false))
            .map(Map.Entry::getKey)
            .findFirst();
    return switch (t) {
      case "leader" ->
          List.of(
              leader.orElseThrow(
                  () -> new MadbaseException(ExitCode.CHECK_FAILED, "etcd has no leader")));
      case "majority" -> {
        List<String> hit = new ArrayList<>();
        leader.ifPresent(hit::add);
        status.forEach(
            (name, st) -> {
              if (st.isPresent() && !hit.contains(name)) {
                hit.add(name);
              }
            });
        long up = status.values().stream().filter(Optional::isPresent).count();
        int need = (int) (up - etcd.size() / 2); // leave at most members/2 running
        if (need <= 0) {
          throw new MadbaseException(
              ExitCode.CHECK_FAILED, "etcd has no majority to take away: " + up + " answer");
        }
        yield List.copyOf(hit.subList(0, Math.min(need, hit.size())));
      }
      case "follower" ->
          // a member that answers and does not lead (an earlier step may have crashed one)
          List.of(
              status.entrySet().stream()
                  .filter(e -> e.getValue().isPresent() && !e.getValue().get().leader())
                  .map(Map.Entry::getKey)
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new MadbaseException(ExitCode.CHECK_FAILED, "no etcd follower answers")));
      default -> List.of(Targets.member(ctx.topology(), t, Role.ETCD));
    };
  }
}
