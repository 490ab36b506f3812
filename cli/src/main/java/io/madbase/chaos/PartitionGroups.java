package io.madbase.chaos;

import io.madbase.stack.Member;
import io.madbase.stack.Role;
import io.madbase.stack.Topology;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a partition step's {@code from} may name besides members, and the roles each stands for. */
public final class PartitionGroups {
  public static final Map<String, Set<Role>> GROUPS =
      Map.of(
          "etcd", EnumSet.of(Role.ETCD),
          "postgres", EnumSet.of(Role.POSTGRES),
          "redis", EnumSet.of(Role.REDIS),
          "sentinels", EnumSet.of(Role.SENTINEL),
          "haproxy", EnumSet.of(Role.HAPROXY),
          "gateways", EnumSet.of(Role.GATEWAY),
          "workers", EnumSet.of(Role.WORKER),
          "everyone", EnumSet.allOf(Role.class));

  private PartitionGroups() {}

  /** The roles {@code from} (groups and member names) covers. */
  public static Set<Role> roles(Topology topology, List<String> from) {
    Set<Role> out = EnumSet.noneOf(Role.class);
    for (String g : from == null ? List.of("everyone") : from) {
      Set<Role> r = GROUPS.get(g);
      if (r != null) {
        out.addAll(r);
      } else {
        topology.members().stream()
            .filter(m -> m.name().equals(g))
            .map(Member::role)
            .findFirst()
            .ifPresent(out::add);
      }
    }
    return out;
  }

  /** The role a partition target stands for: leader, replica, redis_master, etcd_leader, a name. */
  public static Optional<Role> targetRole(Topology topology, String target) {
    return switch (target) {
      case "leader", "replica" -> Optional.of(Role.POSTGRES);
      case "redis_master" -> Optional.of(Role.REDIS);
      case "etcd_leader" -> Optional.of(Role.ETCD);
      default ->
          topology.members().stream()
              .filter(m -> m.name().equals(target))
              .map(Member::role)
              .findFirst();
    };
  }

  /** Whom a member's link leads to when a throttle step does not say: the others of its kind. */
  private static final Map<Role, String> PEERS =
      Map.of(Role.POSTGRES, "postgres", Role.REDIS, "redis", Role.ETCD, "etcd");

  /**
   * The group a throttle's target sends to when the step names none: the others of its kind
   * (postgres for the leader, a replica or pg2). Empty for members of other kinds.
   */
  public static Optional<String> peers(Topology topology, String target) {
    return targetRole(topology, target).map(PEERS::get);
  }
}
